-- Migration 5: what search needs. Full-text search over chunks (a tsvector kept by a trigger,
-- with a GIN index), and the bookkeeping that keeps each local vector index in step with
-- quiver.embeddings: the transaction id that last wrote each embedding, and a log of deleted
-- embeddings. Requires PostgreSQL 13 (xid8, pg_current_xact_id, gen_random_uuid).

-- One row of database-wide search settings.
CREATE TABLE quiver.search_settings (
    singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    -- The text-search configuration of chunks.tsv and of every query; 'simple' works for any
    -- language (no stemming, no stop words). Change it with quiver.set_text_search_config().
    text_search_config regconfig NOT NULL DEFAULT 'pg_catalog.simple',
    -- Names this database's quiver schema: a local index file made for another database (a
    -- restored copy, a re-created database of the same name) is recognised as foreign.
    install_id         uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO quiver.search_settings DEFAULT VALUES;

CREATE FUNCTION quiver.text_search_config() RETURNS regconfig
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$ SELECT text_search_config FROM quiver.search_settings $$;

ALTER TABLE quiver.chunks ADD COLUMN tsv tsvector;

CREATE FUNCTION quiver.chunks_set_tsv() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.tsv := to_tsvector(quiver.text_search_config(), NEW.text);
    RETURN NEW;
END
$$;

CREATE TRIGGER chunks_tsv BEFORE INSERT OR UPDATE OF text ON quiver.chunks
    FOR EACH ROW EXECUTE FUNCTION quiver.chunks_set_tsv();

UPDATE quiver.chunks SET tsv = to_tsvector(quiver.text_search_config(), text);
CREATE INDEX chunks_tsv_idx ON quiver.chunks USING gin (tsv);

-- Changes the configuration and recomputes every chunk's tsvector in one transaction.
CREATE FUNCTION quiver.set_text_search_config(config regconfig) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE quiver.search_settings SET text_search_config = config;
    UPDATE quiver.chunks SET tsv = to_tsvector(config, text);
END
$$;

-- The transaction that last wrote each embedding. An index remembers the oldest transaction
-- still running when it last read (pg_snapshot_xmin); every row committed after that read was
-- written by a transaction at least that old, so the next read asks for txid >= that mark and
-- misses nothing, whatever order concurrent transactions commit in. (A sequence or created_at
-- would not do: a smaller value can commit after a larger one has been seen.)
ALTER TABLE quiver.embeddings ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE FUNCTION quiver.embeddings_set_txid() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.txid := pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE TRIGGER embeddings_txid BEFORE INSERT OR UPDATE ON quiver.embeddings
    FOR EACH ROW EXECUTE FUNCTION quiver.embeddings_set_txid();

CREATE INDEX embeddings_model_txid_idx ON quiver.embeddings (model, txid);

-- Embeddings deleted (directly, or by deleting their chunk, document or collection), with the
-- deleting transaction, read with the same mark as above.
CREATE TABLE quiver.embedding_deletions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chunk_id   bigint NOT NULL,
    model      text NOT NULL,
    txid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX embedding_deletions_model_txid_idx ON quiver.embedding_deletions (model, txid);

CREATE FUNCTION quiver.embeddings_log_deletion() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO quiver.embedding_deletions (chunk_id, model) VALUES (OLD.chunk_id, OLD.model);
    RETURN NULL;
END
$$;

CREATE TRIGGER embeddings_deletion_log AFTER DELETE ON quiver.embeddings
    FOR EACH ROW EXECUTE FUNCTION quiver.embeddings_log_deletion();

-- A document moved to another collection changes the label of its chunks' vectors: touching
-- its embeddings gives them a new txid, so every index reads them again.
CREATE FUNCTION quiver.documents_touch_embeddings() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE quiver.embeddings e SET txid = pg_current_xact_id()
    FROM quiver.chunks c WHERE c.document_id = NEW.id AND e.chunk_id = c.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_collection_moved AFTER UPDATE OF collection_id ON quiver.documents
    FOR EACH ROW WHEN (OLD.collection_id IS DISTINCT FROM NEW.collection_id)
    EXECUTE FUNCTION quiver.documents_touch_embeddings();
