#pragma once

#include "core/db/database_status.h"
#include "core/session/database_target.h"

#include <QObject>

#include <memory>

namespace quiver {

class SessionWorker;

// The GUI's handle on its database. All database work runs on a worker thread that the
// session owns; results come back as queued signals, so the GUI thread never blocks.
class DatabaseSession : public QObject {
    Q_OBJECT
public:
    enum class State { Closed, Opening, Open, Failed };

    explicit DatabaseSession(QObject* parent = nullptr);
    ~DatabaseSession() override;

    State state() const { return m_state; }
    DatabaseTarget target() const { return m_target; }

    // Starts the private cluster if needed, reads a server password from the keychain,
    // connects, migrates and reads the status.
    void open(const DatabaseTarget& target);
    void refreshStatus();
    void close();

signals:
    void progress(const QString& step);
    void opened(const quiver::DatabaseStatus& status);
    // After opened(): where other threads (the background worker) open connections of their
    // own. May hold a password: never log or show it.
    void connected(const QString& conninfo);
    void statusRefreshed(const quiver::DatabaseStatus& status);
    void failed(const QString& userMessage);
    void closed();

private:
    void setState(State s) { m_state = s; }

    State m_state = State::Closed;
    DatabaseTarget m_target;
    QThread* m_thread = nullptr;
    SessionWorker* m_worker = nullptr;
};

} // namespace quiver
