#pragma once

#include "core/db/binary_copy_reader.h"
#include "core/search/index_labels.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace quiver {

// Decodes the rows of `COPY (SELECT <kPassageKeyColumns: four bigints>, vector real[]) TO
// STDOUT (FORMAT binary)` as they stream in, whatever way the stream is cut into pieces.
// Each row comes with its own vector length. Throws std::runtime_error on a malformed stream
// (wrong signature, field count or type, a NULL, a multi-dimensional array).
class EmbeddingCopyParser {
public:
    using RowFn = std::function<void(const PassageKeys& keys, const std::vector<float>& vector)>;
    explicit EmbeddingCopyParser(RowFn onRow);

    void feed(const char* data, int size) { m_reader.feed(data, size); }
    bool finished() const { return m_reader.finished(); } // the trailer has been read
    std::int64_t rows() const { return m_reader.tuples(); }
    int dimensions() const { return m_dimensions; } // the first row's; 0 until then

private:
    void decode(std::span<const BinaryCopyReader::Field> fields);

    RowFn m_onRow;
    BinaryCopyReader m_reader;
    int m_dimensions = 0;
    std::vector<float> m_vector;
};

} // namespace quiver
