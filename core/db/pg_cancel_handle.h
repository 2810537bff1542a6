#pragma once

#include <memory>

struct pg_cancel; // libpq's PGcancel

namespace quiver {

class PgConnection;

// Cancels the statement a connection is running, from another thread than the one using it
// (libpq's PGcancel). Made on the connection's own thread, while it is idle.
class PgCancelHandle {
public:
    explicit PgCancelHandle(const PgConnection& conn);
    ~PgCancelHandle();
    PgCancelHandle(const PgCancelHandle&) = delete;
    PgCancelHandle& operator=(const PgCancelHandle&) = delete;

    // Any thread. False if the request could not be sent. A statement that already finished is
    // not affected; the server answers the one running with "canceling statement".
    bool cancel() const;

private:
    pg_cancel* m_cancel = nullptr;
};

} // namespace quiver
