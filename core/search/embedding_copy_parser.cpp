#include "core/search/embedding_copy_parser.h"

#include <cstring>
#include <stdexcept>

namespace quiver {

namespace {

constexpr std::uint32_t kFloat4Oid = 700;

} // namespace

EmbeddingCopyParser::EmbeddingCopyParser(RowFn onRow)
    : m_onRow(std::move(onRow))
    , m_reader([this](std::span<const BinaryCopyReader::Field> f) { decode(f); }) {}

void EmbeddingCopyParser::decode(std::span<const BinaryCopyReader::Field> fields) {
    using R = BinaryCopyReader;
    if (fields.size() != 5)
        R::malformed("expected 5 fields");
    const PassageKeys keys{R::toInt64(fields[0]), R::toInt64(fields[1]), R::toInt64(fields[2]),
                           R::toInt64(fields[3])};
    const R::Field& array = fields[4];
    if (array.isNull())
        R::malformed("NULL vector");
    const char* a = array.data;
    const std::int32_t len = array.size;
    if (len < 12)
        R::malformed("short array");
    const std::int32_t ndim = R::readI32(a);
    const std::int32_t hasNull = R::readI32(a + 4);
    const std::uint32_t elemType = R::readU32(a + 8);
    if (ndim != 1 || hasNull != 0 || elemType != kFloat4Oid)
        R::malformed("expected a one-dimensional real[] without NULLs");
    if (len < 20)
        R::malformed("short array");
    const std::int32_t count = R::readI32(a + 12);
    if (count <= 0 || count > (len - 20) / 8 || len != 20 + count * 8)
        R::malformed("array length");
    // Rows of another length are the reader's to judge (an index leaves them out): what is
    // stored must never make reading fail.
    if (m_dimensions == 0)
        m_dimensions = count;
    m_vector.resize(static_cast<std::size_t>(count));
    const char* e = a + 20;
    for (std::int32_t i = 0; i < count; ++i, e += 8) {
        if (R::readI32(e) != 4)
            R::malformed("expected 4-byte reals");
        const std::uint32_t bits = R::readU32(e + 4);
        std::memcpy(&m_vector[static_cast<std::size_t>(i)], &bits, 4);
    }
    m_onRow(keys, m_vector);
}

} // namespace quiver
