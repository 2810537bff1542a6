-- Migration 8: the sha256 checks of documents and chunks without a bounded repetition in a
-- locale-aware regular expression. The old check ran for every imported chunk and cost several
-- times more than this one: a length test and one class of plain bytes, under the "C"
-- collation. Both accept exactly 64 lowercase hexadecimal digits (or NULL).

ALTER TABLE quiver.chunks
    DROP CONSTRAINT chunks_sha256_check,
    ADD CONSTRAINT chunks_sha256_check
        CHECK (octet_length(sha256) = 64 AND sha256 COLLATE "C" !~ '[^0-9a-f]');

ALTER TABLE quiver.documents
    DROP CONSTRAINT documents_sha256_check,
    ADD CONSTRAINT documents_sha256_check
        CHECK (octet_length(sha256) = 64 AND sha256 COLLATE "C" !~ '[^0-9a-f]');
