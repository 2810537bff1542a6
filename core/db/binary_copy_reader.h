#pragma once

#include <QByteArray>

#include <cstdint>
#include <functional>
#include <span>

namespace quiver {

// Frames the stream of `COPY ... TO STDOUT (FORMAT binary)` into tuples as it arrives, however
// the stream is cut into pieces: the header is checked, and each tuple's fields are handed over
// as byte ranges (network byte order, as PostgreSQL's send functions write them). Throws
// std::runtime_error on a malformed stream.
class BinaryCopyReader {
public:
    struct Field {
        const char* data = nullptr;
        std::int32_t size = -1; // -1: NULL
        bool isNull() const { return size < 0; }
    };
    // Valid only during the call.
    using TupleFn = std::function<void(std::span<const Field> fields)>;

    explicit BinaryCopyReader(TupleFn onTuple)
        : m_onTuple(std::move(onTuple)) {}

    void feed(const char* data, int size);
    bool finished() const { return m_finished; } // the trailer has been read
    std::int64_t tuples() const { return m_tuples; }

    // Field decoders; each throws std::runtime_error naming what it expected.
    static std::int64_t toInt64(const Field& f);
    static QByteArray toBytes(const Field& f); // text and bytea: the raw bytes
    static std::uint32_t readU32(const char* p);
    static std::int32_t readI32(const char* p);
    [[noreturn]] static void malformed(const char* what);

private:
    bool parseHeader();
    bool parseTuple();

    TupleFn m_onTuple;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_headerDone = false;
    bool m_finished = false;
    std::int64_t m_tuples = 0;
    std::vector<Field> m_fields;
};

} // namespace quiver
