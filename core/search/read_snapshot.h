#pragma once

#include <cstdint>

namespace quiver {

class PgConnection;

// A read-only REPEATABLE READ transaction, rolled back when it goes. Its snapshot's xmin (the
// oldest transaction still running) is the watermark a local index reads changes from: a row
// committed after this read was written by a transaction at least that old, so reading from
// it again misses nothing, whatever order concurrent transactions commit in.
class ReadSnapshot {
public:
    explicit ReadSnapshot(PgConnection& conn);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

    std::uint64_t xmin() const { return m_xmin; }

private:
    PgConnection& m_conn;
    std::uint64_t m_xmin = 0;
};

} // namespace quiver
