#include "core/db/binary_copy_reader.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace quiver {

namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n"; // 11 bytes with the trailing NUL

std::int16_t readI16(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::int16_t>((b[0] << 8) | b[1]);
}

} // namespace

// Network byte order, assembled byte by byte (portable, and compilers turn it into one load).
std::uint32_t BinaryCopyReader::readU32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

std::int32_t BinaryCopyReader::readI32(const char* p) {
    return static_cast<std::int32_t>(readU32(p));
}

void BinaryCopyReader::malformed(const char* what) {
    throw std::runtime_error(std::string("malformed COPY stream: ") + what);
}

std::int64_t BinaryCopyReader::toInt64(const Field& f) {
    if (f.size != 8)
        malformed("expected a bigint");
    return static_cast<std::int64_t>((std::uint64_t{readU32(f.data)} << 32) | readU32(f.data + 4));
}

QByteArray BinaryCopyReader::toBytes(const Field& f) {
    if (f.isNull())
        return {};
    return QByteArray(f.data, f.size);
}

void BinaryCopyReader::feed(const char* data, int size) {
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

bool BinaryCopyReader::parseHeader() {
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

bool BinaryCopyReader::parseTuple() {
    const char* base = m_buffer.constData();
    const qsizetype end = m_buffer.size();
    qsizetype p = m_pos;
    if (end - p < 2)
        return false;
    const std::int16_t count = readI16(base + p);
    p += 2;
    if (count == -1) {
        m_finished = true;
        m_pos = p;
        return false;
    }
    if (count < 0)
        malformed("negative field count");
    m_fields.clear();
    for (std::int16_t i = 0; i < count; ++i) {
        if (end - p < 4)
            return false;
        const std::int32_t len = readI32(base + p);
        p += 4;
        if (len < -1)
            malformed("negative field length");
        if (len > 0 && end - p < len)
            return false;
        m_fields.push_back({len >= 0 ? base + p : nullptr, len});
        if (len > 0)
            p += len;
    }
    m_pos = p;
    ++m_tuples;
    m_onTuple(m_fields);
    return true;
}

} // namespace quiver
