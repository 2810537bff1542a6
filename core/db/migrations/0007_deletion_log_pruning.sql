-- Migration 7: the deletion log is pruned. Rows older than a retention period are removed; the
-- newest transaction id removed is remembered, so an index whose last sync came before it knows
-- that it may have missed a deletion, and rebuilds instead of trusting its file.

CREATE TABLE quiver.embedding_deletions_pruned (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    max_txid  xid8 NOT NULL,
    pruned_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX embedding_deletions_deleted_at_idx ON quiver.embedding_deletions (deleted_at);

CREATE FUNCTION quiver.prune_embedding_deletions(keep interval) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    removed bigint;
    newest  xid8;
BEGIN
    WITH gone AS (
        DELETE FROM quiver.embedding_deletions WHERE deleted_at < now() - keep RETURNING txid
    )
    SELECT count(*), max(txid) INTO removed, newest FROM gone;
    IF newest IS NOT NULL THEN
        INSERT INTO quiver.embedding_deletions_pruned AS p (max_txid) VALUES (newest)
        ON CONFLICT (singleton) DO UPDATE
            SET max_txid = greatest(p.max_txid, excluded.max_txid), pruned_at = now();
    END IF;
    RETURN removed;
END
$$;
