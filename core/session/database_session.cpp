#include "core/session/database_session.h"

#include "core/session/session_worker.h"

#include <QThread>

namespace quiver {

DatabaseSession::DatabaseSession(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new SessionWorker) {
    m_thread->setObjectName(QStringLiteral("quiver-db-session"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &SessionWorker::progress, this, &DatabaseSession::progress);
    connect(m_worker, &SessionWorker::opened, this, [this](const DatabaseStatus& status) {
        setState(State::Open);
        emit opened(status);
    });
    connect(m_worker, &SessionWorker::connected, this, &DatabaseSession::connected);
    connect(m_worker, &SessionWorker::statusRefreshed, this, &DatabaseSession::statusRefreshed);
    connect(m_worker, &SessionWorker::failed, this, [this](const QString& message) {
        if (m_state == State::Opening)
            setState(State::Failed);
        emit failed(message);
    });
    connect(m_worker, &SessionWorker::closed, this, [this] {
        setState(State::Closed);
        emit closed();
    });
    m_thread->start();
}

DatabaseSession::~DatabaseSession() {
    // Leave the private cluster from the thread that joined it, before the thread ends.
    QMetaObject::invokeMethod(m_worker, &SessionWorker::close, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void DatabaseSession::open(const DatabaseTarget& target) {
    m_target = target;
    setState(State::Opening);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, target] { w->open(target); });
}

void DatabaseSession::refreshStatus() {
    QMetaObject::invokeMethod(m_worker, &SessionWorker::refreshStatus);
}

void DatabaseSession::close() {
    QMetaObject::invokeMethod(m_worker, &SessionWorker::close);
}

} // namespace quiver
