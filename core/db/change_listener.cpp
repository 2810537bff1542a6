#include "core/db/change_listener.h"

#include "core/db/pg_connection.h"

#include <QMetaObject>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace quiver {

namespace {
constexpr int kPollMs = 200;
constexpr int kFirstRetryMs = 500;
constexpr int kLastRetryMs = 30'000;
} // namespace

struct ChangeListener::Shared {
    std::mutex mutex;
    std::condition_variable wake;
    ChangeListener* owner = nullptr; // null once the listener is gone
    bool stop = false;

    // f(owner) runs on the owner's thread; Qt drops it if the owner is deleted first.
    template <typename F>
    void post(F f) {
        const std::lock_guard lock(mutex);
        if (ChangeListener* o = owner)
            QMetaObject::invokeMethod(
                o, [o, f] { f(o); }, Qt::QueuedConnection);
    }
    bool stopping() {
        const std::lock_guard lock(mutex);
        return stop;
    }
    // Waits up to ms, or until stopped; true when stopped.
    bool pause(int ms) {
        std::unique_lock lock(mutex);
        return wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop; });
    }
};

ChangeListener::ChangeListener(const QString& conninfo, const QStringList& channels,
                               QObject* parent)
    : QObject(parent)
    , m_shared(std::make_shared<Shared>()) {
    m_shared->owner = this;
    std::thread([shared = m_shared, conninfo, channels] {
        int retryMs = kFirstRetryMs;
        bool connectedBefore = false;
        while (!shared->stopping()) {
            try {
                PgConnection conn = PgConnection::open(conninfo);
                for (const QString& channel : channels)
                    conn.listen(channel);
                retryMs = kFirstRetryMs;
                shared->post([](ChangeListener* o) { emit o->listening(); });
                if (connectedBefore)
                    shared->post([](ChangeListener* o) { emit o->changed(QString()); });
                connectedBefore = true;
                while (!shared->stopping()) {
                    if (const auto n = conn.nextNotification(kPollMs)) {
                        const QString channel = n->channel;
                        shared->post([channel](ChangeListener* o) { emit o->changed(channel); });
                    }
                }
            } catch (const std::exception&) {
                // The database is away or the connection was lost: try again later.
                if (shared->pause(retryMs))
                    return;
                retryMs = std::min(retryMs * 2, kLastRetryMs);
            }
        }
    }).detach();
}

ChangeListener::~ChangeListener() {
    const std::lock_guard lock(m_shared->mutex);
    m_shared->owner = nullptr;
    m_shared->stop = true;
    m_shared->wake.notify_all();
}

} // namespace quiver
