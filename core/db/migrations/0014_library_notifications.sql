-- Migration 14: every program showing the library hears when it changes, whoever changed it (a
-- worker on another machine, the command line, another window): a statement that writes
-- documents, chunks or embeddings sends a notification on the channel quiver_library, once per
-- statement (a COPY of thousands of rows is one), named after the table. A listener reloads
-- what it shows; the payload carries nothing else, so nothing of the user's travels with it.

CREATE FUNCTION quiver.notify_library_changed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_notify('quiver_library', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_notify_library AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON quiver.documents FOR EACH STATEMENT EXECUTE FUNCTION quiver.notify_library_changed();
CREATE TRIGGER chunks_notify_library AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON quiver.chunks FOR EACH STATEMENT EXECUTE FUNCTION quiver.notify_library_changed();
CREATE TRIGGER embeddings_notify_library AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON quiver.embeddings FOR EACH STATEMENT EXECUTE FUNCTION quiver.notify_library_changed();
