-- Migration 13: a trash for documents, and rescan jobs that belong to one machine.
--
-- The trash. A document removed by a rescan (its file is gone) or deleted in the Library or on
-- the command line is moved here with its chunks and embeddings, and stays restorable for
-- `library/trashDays` (30 days by default) before the workers purge it.
--
-- Moving to the trash copies the rows into the tables below and deletes them from the live
-- tables; restoring inserts them back with their old ids (the identity sequences are past them,
-- so nothing else can have taken them). The alternative, a trashed_at flag on the live rows,
-- would keep every reader of the live tables correct only if each learnt to skip flagged rows:
-- the keyword index reads chunks through quiver.chunk_log, the vector indexes read
-- quiver.embeddings and quiver.embedding_deletions, results are hydrated with joins, the
-- embedding queue is "chunks without an embedding", imports look chunks up by hash, and the
-- library counts everything. One forgotten filter there would put a trashed passage back into
-- search results or pay to embed it again. A move is, to all of them, the ordinary delete and
-- insert they already handle: the chunk log records the deleted and the re-inserted ids, the
-- deletion log records the embeddings that went, and the re-inserted embeddings carry a new
-- transaction id, so every local index picks them up again without a rebuild. Restoring puts
-- the stored vectors back: the provider is not called again.
--
-- The trash tables have no foreign keys to the live ones: a trashed document outlives its
-- collection (restoring makes the collection again, by name).

CREATE TABLE quiver.trash_documents (
    id              bigint PRIMARY KEY,
    collection_id   bigint NOT NULL,
    collection_name text NOT NULL,
    path            text NOT NULL,
    title           text,
    mime            text,
    sha256          text,
    size_bytes      bigint,
    mtime           timestamptz,
    imported_at     timestamptz NOT NULL,
    metadata        jsonb NOT NULL,
    trashed_at      timestamptz NOT NULL DEFAULT now(),
    -- Why it went, for people: "deleted in the Library", "its file is gone from /home/a/Notes".
    reason          text NOT NULL,
    -- Who moved it: a worker's "host:pid", or the program that did.
    trashed_by      text
);
-- The purge looks for the oldest.
CREATE INDEX trash_documents_trashed_at_idx ON quiver.trash_documents (trashed_at);

CREATE TABLE quiver.trash_chunks (
    id             bigint PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES quiver.trash_documents (id) ON DELETE CASCADE,
    ordinal        integer NOT NULL,
    text           text NOT NULL,
    char_start     integer,
    char_end       integer,
    token_estimate integer,
    sha256         text,
    page           integer,
    ocr            boolean NOT NULL DEFAULT false
);
CREATE INDEX trash_chunks_document_idx ON quiver.trash_chunks (document_id);

CREATE TABLE quiver.trash_embeddings (
    chunk_id   bigint NOT NULL REFERENCES quiver.trash_chunks (id) ON DELETE CASCADE,
    model      text NOT NULL,
    dimensions integer NOT NULL,
    vector     real[] NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (chunk_id, model)
);

-- The machine that created a job: the random id kept in that machine's Quiver settings
-- (machine/hostId). A rescan_watched job reads local folders, which only that machine's settings
-- may name, so only that machine runs it. NULL for jobs made before this migration: no machine
-- runs such a rescan until one adopts it ('quiver-cli jobs alter JOB --adopt').
ALTER TABLE quiver.jobs ADD COLUMN host_id text CHECK (host_id <> '');

-- A rescan that would remove more of a collection than the mass-removal threshold allows, or
-- whose folder is not the one seen before, removes nothing and ends "needs_confirmation": not a
-- failure (it is not retried), but a question for the user.
ALTER TABLE quiver.jobs DROP CONSTRAINT jobs_last_run_status_check;
ALTER TABLE quiver.jobs
    ADD CONSTRAINT jobs_last_run_status_check
        CHECK (last_run_status IN ('running', 'success', 'failed', 'cancelled', 'timeout',
                                   'interrupted', 'needs_confirmation'));
ALTER TABLE quiver.job_runs DROP CONSTRAINT job_runs_status_check;
ALTER TABLE quiver.job_runs
    ADD CONSTRAINT job_runs_status_check
        CHECK (status IN ('running', 'success', 'failed', 'cancelled', 'timeout', 'interrupted',
                          'needs_confirmation'));
