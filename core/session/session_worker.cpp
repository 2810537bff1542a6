#include "core/session/session_worker.h"

namespace quiver {

SessionWorker::SessionWorker() {
    m_opener.onProgress = [this](const QString& step) { emit progress(step); };
}

SessionWorker::~SessionWorker() = default;

void SessionWorker::open(const DatabaseTarget& target) {
    m_conn.reset();
    m_opener.release();
    try {
        m_conn.emplace(m_opener.open(target));
        emit opened(readDatabaseStatus(*m_conn));
        emit connected(m_opener.conninfo());
    } catch (const std::exception& e) {
        m_conn.reset();
        emit failed(userMessageFor(e));
    }
}

void SessionWorker::refreshStatus() {
    if (!m_conn) {
        emit failed(QStringLiteral("Not connected to a database."));
        return;
    }
    try {
        emit statusRefreshed(readDatabaseStatus(*m_conn));
    } catch (const std::exception& e) {
        emit failed(userMessageFor(e));
    }
}

void SessionWorker::close() {
    m_conn.reset();
    m_opener.release();
    emit closed();
}

} // namespace quiver
