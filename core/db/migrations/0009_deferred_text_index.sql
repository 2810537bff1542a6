-- Migration 9: chunks.tsv is filled after the import instead of inside it. Computing the
-- tsvector and its GIN entries was two thirds of the server's work per imported chunk, and it
-- held every import to the speed of one backend's text parser. Imports now store chunks with
-- tsv NULL; a text indexer (run by the background worker and at the end of a command-line
-- import) fills them in batches. Keyword search reads a chunk whose tsv is still NULL by
-- computing its tsvector on the fly, so nothing stored is ever missing from search; the
-- partial index below finds those chunks without scanning the table.

ALTER TABLE quiver.chunks ALTER COLUMN tsv DROP EXPRESSION;

CREATE INDEX chunks_tsv_pending_idx ON quiver.chunks (id) WHERE tsv IS NULL;

-- GIN gives every row whose tsv is NULL an entry of its own; with the import storing only
-- such rows, those entries cost an import more than the pending index does. Searches ask for
-- tsv @@ query, which implies tsv IS NOT NULL, so they still use the index.
DROP INDEX quiver.chunks_tsv_idx;
CREATE INDEX chunks_tsv_idx ON quiver.chunks USING gin (tsv) WHERE tsv IS NOT NULL;

-- A chunk whose text changes is indexed again (nothing in Quiver rewrites a chunk's text, but
-- a stale tsvector would answer for text that is gone).
CREATE FUNCTION quiver.chunks_reset_tsv() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.text IS DISTINCT FROM OLD.text THEN
        NEW.tsv := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER chunks_reset_tsv BEFORE UPDATE OF text ON quiver.chunks
    FOR EACH ROW EXECUTE FUNCTION quiver.chunks_reset_tsv();

DROP FUNCTION quiver.create_chunks_tsv(regconfig);

-- Changes the configuration and recomputes every chunk's tsvector, indexed or not, in one
-- transaction.
CREATE OR REPLACE FUNCTION quiver.set_text_search_config(config regconfig) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE quiver.search_settings SET text_search_config = config;
    UPDATE quiver.chunks SET tsv = to_tsvector(config, text);
END
$$;
