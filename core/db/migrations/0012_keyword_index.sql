-- Migration 12: keyword search moves from PostgreSQL's full-text search to Quiver's own BM25
-- index, kept beside the vector index in each machine's cache folder (core/search/
-- keyword_index.h). ts_rank_cd has no idea of how rare a word is, and websearch_to_tsquery
-- requires every word of a question to be in one chunk, so the old arm found nothing for most
-- questions; a BM25 over analysed terms (stems, no stop words) with any-word matching ranks
-- like a search engine and answers in a millisecond from memory. chunks.tsv, its indexes and
-- the text indexer that filled it are gone; what a local index needs from the database is a
-- log of which chunks were written and removed, read with the same snapshot watermark as the
-- embeddings' deletion log (migration 5).

DROP TRIGGER chunks_reset_tsv ON quiver.chunks;
DROP FUNCTION quiver.chunks_reset_tsv();
DROP INDEX quiver.chunks_tsv_idx;
DROP INDEX quiver.chunks_tsv_pending_idx;
ALTER TABLE quiver.chunks DROP COLUMN tsv;
DROP FUNCTION quiver.set_text_search_config(regconfig);
DROP FUNCTION quiver.text_search_config();
ALTER TABLE quiver.search_settings DROP COLUMN text_search_config;

-- The analyzer's language (a Snowball stemmer name; English also drops English stop words),
-- one for the whole database so that every machine's index agrees on what a term is.
ALTER TABLE quiver.search_settings
    ADD COLUMN keyword_language text NOT NULL DEFAULT 'english'
        CHECK (keyword_language ~ '^[a-z_]{1,32}$');

-- One row per statement that wrote chunks: 'i' an inserted id range (other transactions' ids
-- may interleave; a reader re-reads what it already has, harmlessly), 'u' updated ids, 'd'
-- deleted ids, 'r' "rebuild" (TRUNCATE, or a new analyzer language). Statement triggers keep
-- the cost of an import to one row per COPY, where a per-row column and index would add to
-- every chunk.
CREATE TABLE quiver.chunk_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid      xid8 NOT NULL DEFAULT pg_current_xact_id(),
    logged_at timestamptz NOT NULL DEFAULT now(),
    kind      "char" NOT NULL CHECK (kind IN ('i', 'u', 'd', 'r')),
    first_id  bigint,
    last_id   bigint,
    ids       bigint[],
    CHECK (kind <> 'i' OR (first_id IS NOT NULL AND last_id >= first_id)),
    CHECK (kind NOT IN ('u', 'd') OR ids IS NOT NULL)
);
CREATE INDEX chunk_log_txid_idx ON quiver.chunk_log (txid);
CREATE INDEX chunk_log_logged_at_idx ON quiver.chunk_log (logged_at);

CREATE FUNCTION quiver.chunks_log_inserts() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO quiver.chunk_log (kind, first_id, last_id)
    SELECT 'i', min(id), max(id) FROM new_chunks HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_log_inserts AFTER INSERT ON quiver.chunks
    REFERENCING NEW TABLE AS new_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.chunks_log_inserts();

CREATE FUNCTION quiver.chunks_log_updates() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO quiver.chunk_log (kind, ids)
    SELECT 'u', array_agg(n.id) FROM new_chunks n JOIN old_chunks o ON o.id = n.id
     WHERE n.text IS DISTINCT FROM o.text OR n.document_id IS DISTINCT FROM o.document_id
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_log_updates AFTER UPDATE ON quiver.chunks
    REFERENCING OLD TABLE AS old_chunks NEW TABLE AS new_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.chunks_log_updates();

CREATE FUNCTION quiver.chunks_log_deletes() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO quiver.chunk_log (kind, ids)
    SELECT 'd', array_agg(id) FROM old_chunks HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_log_deletes AFTER DELETE ON quiver.chunks
    REFERENCING OLD TABLE AS old_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.chunks_log_deletes();

CREATE FUNCTION quiver.chunks_log_reset() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO quiver.chunk_log (kind) VALUES ('r');
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_log_truncate AFTER TRUNCATE ON quiver.chunks
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.chunks_log_reset();

-- Changes the analyzer's language; every keyword index rebuilds when it next syncs.
CREATE FUNCTION quiver.set_keyword_language(language text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE quiver.search_settings SET keyword_language = language;
    INSERT INTO quiver.chunk_log (kind) VALUES ('r');
END
$$;

-- Pruned like the embeddings' deletion log (migration 7): an index that last synced before the
-- newest pruned row rebuilds instead of trusting its file.
CREATE TABLE quiver.chunk_log_pruned (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    max_txid  xid8 NOT NULL,
    pruned_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION quiver.prune_chunk_log(keep interval) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    removed bigint;
    newest  xid8;
BEGIN
    WITH gone AS (
        DELETE FROM quiver.chunk_log WHERE logged_at < now() - keep RETURNING txid
    )
    SELECT count(*), max(txid) INTO removed, newest FROM gone;
    IF newest IS NOT NULL THEN
        INSERT INTO quiver.chunk_log_pruned AS p (max_txid) VALUES (newest)
        ON CONFLICT (singleton) DO UPDATE
            SET max_txid = greatest(p.max_txid, excluded.max_txid), pruned_at = now();
    END IF;
    RETURN removed;
END
$$;
