-- Migration 6: chunks.tsv becomes a stored generated column. The row trigger of migration 5 ran
-- PL/pgSQL and looked the configuration up for every inserted chunk, a quarter of the server's
-- work per imported chunk; a generated column computes the same tsvector in C. The configuration
-- is part of the column's expression, so changing it re-creates the column (every chunk's
-- tsvector was recomputed on a change before too).

DROP TRIGGER chunks_tsv ON quiver.chunks;
DROP FUNCTION quiver.chunks_set_tsv();

-- (Re)creates chunks.tsv and its GIN index for one configuration. The name is passed as a
-- quoted literal, never spliced in as an identifier.
CREATE FUNCTION quiver.create_chunks_tsv(config regconfig) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE 'ALTER TABLE quiver.chunks DROP COLUMN IF EXISTS tsv';
    EXECUTE format('ALTER TABLE quiver.chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS '
                   '(to_tsvector(%L::regconfig, text)) STORED', config::text);
    EXECUTE 'CREATE INDEX chunks_tsv_idx ON quiver.chunks USING gin (tsv)';
END
$$;

SELECT quiver.create_chunks_tsv(quiver.text_search_config());

CREATE OR REPLACE FUNCTION quiver.set_text_search_config(config regconfig) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE quiver.search_settings SET text_search_config = config;
    PERFORM quiver.create_chunks_tsv(config);
END
$$;
