#pragma once

#include "core/db/database_status.h"
#include "core/session/database_opener.h"

#include <QObject>

#include <optional>

namespace quiver {

// Lives on the session's thread and owns the connection there; DatabaseSession talks to it
// only through queued calls and signals.
class SessionWorker : public QObject {
    Q_OBJECT
public:
    SessionWorker();
    ~SessionWorker() override;

    void open(const quiver::DatabaseTarget& target);
    void refreshStatus();
    void close();

signals:
    void progress(const QString& step);
    void opened(const quiver::DatabaseStatus& status);
    void connected(const QString& conninfo);
    void statusRefreshed(const quiver::DatabaseStatus& status);
    void failed(const QString& userMessage);
    void closed();

private:
    DatabaseOpener m_opener;
    std::optional<PgConnection> m_conn;
};

} // namespace quiver
