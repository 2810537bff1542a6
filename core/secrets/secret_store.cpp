#include "core/secrets/secret_store.h"

#include "core/util/redact.h"

#include <QCoreApplication>
#include <QObject>
#include <QThread>
#include <QtDebug>
#include <qt6keychain/keychain.h>

#include <chrono>
#include <future>
#include <memory>

namespace quiver {

namespace {

enum class Operation { Read, Write, Remove };

constexpr auto kBlockingTimeout = std::chrono::minutes(2);

QString unavailableMessage() {
    return QStringLiteral("The system keychain is not available (no Secret Service is running). "
                          "Quiver stores passwords and API keys only in the keychain.");
}

// Errors that mean no keychain service could be reached at all.
bool looksUnavailable(const QString& detail) {
    for (const char* hint :
         {"org.freedesktop.secrets", "ServiceUnknown", "autolaunch", "D-Bus", "DBus", "dbus",
          "not provided by any .service", "No such interface", "Could not connect"}) {
        if (detail.contains(QString::fromLatin1(hint), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

SecretResult resultOf(Operation op, const QString& key, QKeychain::Job* job) {
    SecretResult r;
    const QString detail = redactSecrets(job->errorString());
    switch (job->error()) {
    case QKeychain::NoError:
        r.ok = true;
        if (op == Operation::Read)
            r.value = static_cast<QKeychain::ReadPasswordJob*>(job)->textData();
        break;
    case QKeychain::EntryNotFound:
        r.notFound = true;
        r.ok = op == Operation::Remove; // removing what is not there is not a failure
        if (!r.ok)
            r.error =
                QStringLiteral("Nothing is stored under \"%1\" in the system keychain.").arg(key);
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        r.error = unavailableMessage();
        break;
    case QKeychain::AccessDeniedByUser:
        r.error = QStringLiteral("Access to the system keychain was denied. Allow Quiver to use "
                                 "the keychain, then try again.");
        break;
    case QKeychain::AccessDenied:
        r.error = QStringLiteral("The system keychain refused access (%1). Unlock the keychain, "
                                 "then try again.")
                      .arg(detail);
        break;
    case QKeychain::CouldNotDeleteEntry:
        r.error =
            QStringLiteral("The system keychain could not delete \"%1\" (%2).").arg(key, detail);
        break;
    case QKeychain::OtherError:
        r.error = looksUnavailable(detail)
                      ? unavailableMessage() + QStringLiteral(" (%1)").arg(detail)
                      : QStringLiteral("The system keychain reported an error: %1").arg(detail);
        break;
    }
    return r;
}

// QtKeychain queues its jobs in an executor bound to the thread that first used it, and some
// backends deliver their answers through that thread's event loop. One long-lived thread with
// an event loop therefore runs every job, whichever thread asked.
class KeychainThread {
public:
    static KeychainThread& instance() {
        static KeychainThread thread;
        return thread;
    }

    QThread* thread() const { return m_thread.get(); }

    void post(std::function<void()> work) {
        QMetaObject::invokeMethod(m_anchor.get(), std::move(work), Qt::QueuedConnection);
    }

private:
    KeychainThread()
        : m_thread(std::make_unique<QThread>())
        , m_anchor(std::make_unique<QObject>()) {
        m_thread->setObjectName(QStringLiteral("quiver-keychain"));
        m_anchor->moveToThread(m_thread.get());
        m_thread->start();
    }

    ~KeychainThread() {
        // The anchor must die in its own thread, before that thread ends.
        QObject* anchor = m_anchor.release();
        QMetaObject::invokeMethod(
            anchor, [anchor] { delete anchor; }, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
    }

    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<QObject> m_anchor;
};

// Runs on the keychain thread.
void startJob(Operation op, const QString& service, const QString& key, const QString& secret,
              std::function<void(SecretResult)> finish) {
    QKeychain::Job* job = nullptr;
    switch (op) {
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(service);
        break;
    case Operation::Write: {
        auto* write = new QKeychain::WritePasswordJob(service);
        write->setTextData(secret);
        job = write;
        break;
    }
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QObject::connect(
        job, &QKeychain::Job::finished, job,
        [op, key, finish = std::move(finish)](QKeychain::Job* j) { finish(resultOf(op, key, j)); });
    job->start();
}

SecretResult runBlocking(Operation op, const QString& service, const QString& key,
                         const QString& secret) {
    KeychainThread& keychain = KeychainThread::instance();
    if (QThread::currentThread() == keychain.thread()) {
        SecretResult r;
        r.error = QStringLiteral("Internal error: blocking keychain call on the keychain thread.");
        return r;
    }
    auto promise = std::make_shared<std::promise<SecretResult>>();
    std::future<SecretResult> future = promise->get_future();
    keychain.post([op, service, key, secret, promise] {
        startJob(op, service, key, secret,
                 [promise](SecretResult r) { promise->set_value(std::move(r)); });
    });
    if (future.wait_for(kBlockingTimeout) != std::future_status::ready) {
        SecretResult r;
        r.error = QStringLiteral("The system keychain did not answer within two minutes. Check "
                                 "that it is unlocked, then try again.");
        return r;
    }
    return future.get();
}

} // namespace

// Carries a finished job's result to the caller's context object through a queued connection,
// which Qt drops safely if the context is destroyed in the meantime.
class SecretResultRelay : public QObject {
    Q_OBJECT
Q_SIGNALS:
    void finished();
};

namespace {

void runAsync(Operation op, const QString& service, const QString& key, const QString& secret,
              QObject* context, std::function<void(const SecretResult&)> done) {
    if (context == nullptr) {
        qWarning("quiver: SecretStore asynchronous call without a context object; ignored");
        return;
    }
    auto result = std::make_shared<SecretResult>();
    auto* relay = new SecretResultRelay;
    QObject::connect(relay, &SecretResultRelay::finished, context,
                     [result, done = std::move(done)] {
                         if (done)
                             done(*result);
                     });
    KeychainThread& keychain = KeychainThread::instance();
    relay->moveToThread(keychain.thread());
    keychain.post([op, service, key, secret, result, relay] {
        startJob(op, service, key, secret, [result, relay](SecretResult r) {
            *result = std::move(r);
            Q_EMIT relay->finished();
            relay->deleteLater();
        });
    });
}

} // namespace

SecretStore::SecretStore(QString service)
    : m_service(std::move(service)) {}

void SecretStore::readAsync(const QString& key, QObject* context,
                            std::function<void(const SecretResult&)> done) {
    runAsync(Operation::Read, m_service, key, {}, context, std::move(done));
}

void SecretStore::writeAsync(const QString& key, const QString& secret, QObject* context,
                             std::function<void(const SecretResult&)> done) {
    runAsync(Operation::Write, m_service, key, secret, context, std::move(done));
}

void SecretStore::removeAsync(const QString& key, QObject* context,
                              std::function<void(const SecretResult&)> done) {
    runAsync(Operation::Remove, m_service, key, {}, context, std::move(done));
}

SecretResult SecretStore::read(const QString& key) {
    return runBlocking(Operation::Read, m_service, key, {});
}

SecretResult SecretStore::write(const QString& key, const QString& secret) {
    return runBlocking(Operation::Write, m_service, key, secret);
}

SecretResult SecretStore::remove(const QString& key) {
    return runBlocking(Operation::Remove, m_service, key, {});
}

} // namespace quiver

#include "secret_store.moc"
