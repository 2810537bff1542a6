#include "core/search/embedding_copy_parser.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace quiver {

namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n"; // 11 bytes with the trailing NUL
constexpr std::uint32_t kFloat4Oid = 700;

// Network byte order, assembled byte by byte (portable, and compilers turn it into one load).
std::uint32_t readU32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

std::int32_t readI32(const char* p) {
    return static_cast<std::int32_t>(readU32(p));
}

std::int64_t readI64(const char* p) {
    return static_cast<std::int64_t>((std::uint64_t{readU32(p)} << 32) | readU32(p + 4));
}

std::int16_t readI16(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::int16_t>((b[0] << 8) | b[1]);
}

[[noreturn]] void malformed(const char* what) {
    throw std::runtime_error(std::string("malformed COPY stream: ") + what);
}

} // namespace

void EmbeddingCopyParser::feed(const char* data, int size) {
    m_buffer.append(data, size);
    if (!m_headerDone && !parseHeader())
        return;
    while (!m_finished && parseTuple()) {
    }
    // Drop what has been consumed; keep an incomplete tail for the next piece.
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
}

bool EmbeddingCopyParser::parseHeader() {
    constexpr qsizetype fixed = 11 + 4 + 4;
    if (m_buffer.size() - m_pos < fixed)
        return false;
    const char* p = m_buffer.constData() + m_pos;
    if (std::memcmp(p, kSignature, 11) != 0)
        malformed("wrong signature");
    const std::uint32_t extension = readU32(p + 15);
    if (m_buffer.size() - m_pos < fixed + static_cast<qsizetype>(extension))
        return false;
    m_pos += fixed + static_cast<qsizetype>(extension);
    m_headerDone = true;
    return true;
}

bool EmbeddingCopyParser::parseTuple() {
    const char* base = m_buffer.constData();
    const qsizetype end = m_buffer.size();
    qsizetype p = m_pos;
    if (end - p < 2)
        return false;
    const std::int16_t fields = readI16(base + p);
    p += 2;
    if (fields == -1) {
        m_finished = true;
        m_pos = p;
        return false;
    }
    if (fields != 3)
        malformed("expected 3 fields");
    // Field 1 and 2: bigint.
    std::int64_t ints[2] = {0, 0};
    for (std::int64_t& v : ints) {
        if (end - p < 4)
            return false;
        const std::int32_t len = readI32(base + p);
        p += 4;
        if (len != 8)
            malformed("expected a bigint");
        if (end - p < 8)
            return false;
        v = readI64(base + p);
        p += 8;
    }
    // Field 3: real[].
    if (end - p < 4)
        return false;
    const std::int32_t len = readI32(base + p);
    p += 4;
    if (len < 0)
        malformed("NULL vector");
    if (end - p < len)
        return false;
    const char* a = base + p;
    if (len < 12)
        malformed("short array");
    const std::int32_t ndim = readI32(a);
    const std::int32_t hasNull = readI32(a + 4);
    const std::uint32_t elemType = readU32(a + 8);
    if (ndim != 1 || hasNull != 0 || elemType != kFloat4Oid)
        malformed("expected a one-dimensional real[] without NULLs");
    if (len < 20)
        malformed("short array");
    const std::int32_t count = readI32(a + 12);
    if (count <= 0 || len != 20 + count * 8)
        malformed("array length");
    if (m_dimensions == 0)
        m_dimensions = count;
    else if (count != m_dimensions)
        throw std::runtime_error("vectors of one model have different lengths (" +
                                 std::to_string(m_dimensions) + " and " + std::to_string(count) +
                                 ")");
    m_vector.resize(static_cast<std::size_t>(count));
    const char* e = a + 20;
    for (std::int32_t i = 0; i < count; ++i, e += 8) {
        if (readI32(e) != 4)
            malformed("expected 4-byte reals");
        const std::uint32_t bits = readU32(e + 4);
        std::memcpy(&m_vector[static_cast<std::size_t>(i)], &bits, 4);
    }
    p += len;
    m_pos = p;
    ++m_rows;
    m_onRow(ints[0], ints[1], m_vector);
    return true;
}

} // namespace quiver
