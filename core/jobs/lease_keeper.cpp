#include "core/jobs/lease_keeper.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"

#include <chrono>
#include <optional>

namespace quiver {

LeaseKeeper::LeaseKeeper(QString conninfo, QString claimer, double leaseSeconds)
    : m_conninfo(std::move(conninfo))
    , m_claimer(std::move(claimer))
    , m_leaseSeconds(leaseSeconds) {}

LeaseKeeper::~LeaseKeeper() {
    stop();
}

void LeaseKeeper::start() {
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { loop(); });
}

void LeaseKeeper::stop() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void LeaseKeeper::loop() {
    // A third of the lease: two renewals may be late before a lease runs out.
    const auto period = std::chrono::milliseconds(
        std::max<qint64>(100, static_cast<qint64>(m_leaseSeconds * 1000.0 / 3.0)));
    std::optional<PgConnection> conn;
    try {
        conn = PgConnection::open(m_conninfo);
    } catch (const DbError&) {
        // Tried again at the first renewal.
    }
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, period, [this] { return m_stopping; })) {
        lock.unlock();
        try {
            if (!conn || !conn->isOpen())
                conn = PgConnection::open(m_conninfo);
            m_renewed +=
                conn->exec(QStringLiteral("UPDATE quiver.embedding_queue"
                                          "   SET lease_until = now() + make_interval("
                                          "                       secs => $2)"
                                          " WHERE claimed_by = $1 AND lease_until > now()"),
                           {m_claimer, m_leaseSeconds})
                    .affectedRows();
        } catch (const DbError&) {
            // The worker notices a lost database itself; try again next period.
            conn.reset();
        }
        lock.lock();
    }
}

} // namespace quiver
