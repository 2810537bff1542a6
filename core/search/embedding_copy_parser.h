#pragma once

#include <QByteArray>

#include <cstdint>
#include <functional>
#include <vector>

namespace quiver {

// Decodes the rows of `COPY (SELECT chunk_id bigint, collection_id bigint, vector real[]) TO
// STDOUT (FORMAT binary)` as they stream in, whatever way the stream is cut into pieces.
// Throws std::runtime_error on a malformed stream (wrong signature, field count or type, a
// NULL, a multi-dimensional array, or vectors of different lengths).
class EmbeddingCopyParser {
public:
    using RowFn = std::function<void(std::int64_t chunkId, std::int64_t collectionId,
                                     const std::vector<float>& vector)>;
    explicit EmbeddingCopyParser(RowFn onRow)
        : m_onRow(std::move(onRow)) {}

    void feed(const char* data, int size);
    bool finished() const { return m_finished; } // the trailer has been read
    std::int64_t rows() const { return m_rows; }
    int dimensions() const { return m_dimensions; } // 0 until the first row

private:
    bool parseHeader();
    bool parseTuple();

    RowFn m_onRow;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_headerDone = false;
    bool m_finished = false;
    std::int64_t m_rows = 0;
    int m_dimensions = 0;
    std::vector<float> m_vector;
};

} // namespace quiver
