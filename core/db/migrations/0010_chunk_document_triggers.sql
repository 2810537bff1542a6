-- Migration 10: the link from chunks to their document is kept by statement triggers instead of
-- a foreign key. A foreign key checks every inserted row with a query of its own, a quarter of
-- the server's work per imported chunk; these triggers check each COPY of a batch (2,000 chunks)
-- with one join. What the constraint promised still holds: a chunk refers to a document that
-- exists (SQLSTATE 23503 otherwise), the document is locked against deletion until the chunk's
-- transaction ends, and deleting a document deletes its chunks.

ALTER TABLE quiver.chunks DROP CONSTRAINT chunks_document_id_fkey;

-- Checks the documents of the chunks a statement inserted. Each is locked FOR KEY SHARE, as a
-- foreign key locks it, so that a concurrent delete waits for this transaction and its cascade
-- then finds these chunks; a document deleted before the lock is reported missing.
CREATE FUNCTION quiver.chunks_check_documents() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1 FROM quiver.documents d
     WHERE d.id IN (SELECT DISTINCT document_id FROM new_chunks)
       FOR KEY SHARE;
    SELECT r.id INTO missing
      FROM (SELECT DISTINCT document_id AS id FROM new_chunks) r
     WHERE NOT EXISTS (SELECT 1 FROM quiver.documents d WHERE d.id = r.id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'chunk refers to document %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation', TABLE = 'chunks', SCHEMA = 'quiver';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_check_documents AFTER INSERT ON quiver.chunks
    REFERENCING NEW TABLE AS new_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.chunks_check_documents();

-- Moving a chunk to another document (nothing in Quiver does) is checked row by row: a trigger
-- with a column list cannot have a transition table, and one without would copy every chunk
-- the text indexer updates.
CREATE FUNCTION quiver.chunks_check_moved_document() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM 1 FROM quiver.documents d WHERE d.id = NEW.document_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'chunk refers to document %, which does not exist', NEW.document_id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'chunks', SCHEMA = 'quiver';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER chunks_check_moved_document BEFORE UPDATE OF document_id ON quiver.chunks
    FOR EACH ROW WHEN (NEW.document_id IS DISTINCT FROM OLD.document_id)
    EXECUTE FUNCTION quiver.chunks_check_moved_document();

-- Deleting documents deletes their chunks (and, through the chunks' own foreign keys, their
-- embeddings and queue rows), once per statement.
CREATE FUNCTION quiver.documents_delete_chunks() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM quiver.chunks c USING old_documents o WHERE c.document_id = o.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_delete_chunks AFTER DELETE ON quiver.documents
    REFERENCING OLD TABLE AS old_documents
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.documents_delete_chunks();

-- A document's id never changes; refusing it keeps chunks from pointing at a stale one.
CREATE FUNCTION quiver.documents_keep_id() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'a document''s id cannot change' USING ERRCODE = 'foreign_key_violation';
END
$$;

CREATE TRIGGER documents_keep_id BEFORE UPDATE OF id ON quiver.documents
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION quiver.documents_keep_id();

-- TRUNCATE skips row triggers: truncating documents truncates their chunks too.
CREATE FUNCTION quiver.documents_truncate_chunks() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    TRUNCATE quiver.chunks CASCADE;
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_truncate_chunks AFTER TRUNCATE ON quiver.documents
    FOR EACH STATEMENT EXECUTE FUNCTION quiver.documents_truncate_chunks();
