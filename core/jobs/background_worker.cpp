#include "core/jobs/background_worker.h"

#include "core/embed/api_key_resolver.h"
#include "core/embed/approved_origins.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/key_approval_required.h"
#include "core/jobs/embed_worker.h"
#include "core/jobs/job_runner.h"
#include "core/secrets/secret_store.h"

#include <QThread>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace quiver {

namespace {

std::atomic<int> g_threadsStillStopping{0};

// What one run's threads share with the BackgroundWorker that started them. It outlives the
// BackgroundWorker when a thread is left behind, so a late thread finds a run that no longer
// reports to anyone instead of a destroyed object.
class Relay {
public:
    explicit Relay(BackgroundWorker* owner)
        : m_owner(owner) {}

    // Calls f(owner) later on the owner's thread, unless the owner has let go of this run. The
    // call is posted while the owner exists (it lets go under the same mutex), and Qt drops it
    // if the owner is destroyed before it runs.
    template <typename F>
    void post(F f) {
        std::lock_guard lock(m_mutex);
        if (!m_owner)
            return;
        BackgroundWorker* owner = m_owner;
        QMetaObject::invokeMethod(
            owner, [owner, f = std::move(f)]() { f(owner); }, Qt::QueuedConnection);
    }

    void threadStarting() {
        std::lock_guard lock(m_mutex);
        ++m_running;
    }
    void threadEnded() {
        std::lock_guard lock(m_mutex);
        --m_running;
        if (m_leftBehind)
            g_threadsStillStopping.fetch_sub(1);
        m_ended.notify_all();
    }

    // Waits until the threads have ended or the limit has passed, then lets go of the owner.
    // Returns how many threads are still running: they are left behind.
    int release(std::chrono::milliseconds limit) {
        std::unique_lock lock(m_mutex);
        m_ended.wait_for(lock, limit, [this]() { return m_running == 0; });
        m_owner = nullptr;
        if (m_running > 0) {
            m_leftBehind = true;
            g_threadsStillStopping.fetch_add(m_running);
        }
        return m_running;
    }

    std::atomic<bool> embedding{false};

private:
    // Standard types, not Qt's: ThreadSanitizer sees these (Qt is not built with it).
    std::mutex m_mutex;
    std::condition_variable m_ended;
    BackgroundWorker* m_owner;
    int m_running = 0;
    bool m_leftBehind = false;
};

} // namespace

class BackgroundWorker::Run {
public:
    ~Run() {
        // Never destroyed with a thread still joinable: stop() joins or detaches both.
        Q_ASSERT(!workerThread.joinable() && !jobsThread.joinable());
    }
    std::shared_ptr<Relay> relay;
    std::shared_ptr<EmbedWorker> worker;
    std::shared_ptr<JobRunner> jobs;
    std::thread workerThread;
    std::thread jobsThread;
};

BackgroundWorker::BackgroundWorker(QObject* parent)
    : QObject(parent) {}

BackgroundWorker::~BackgroundWorker() {
    stop();
}

bool BackgroundWorker::isRunning() const {
    return m_run && m_run->relay->embedding.load();
}

int BackgroundWorker::threadsStillStopping() {
    return g_threadsStillStopping.load();
}

void BackgroundWorker::start(const QString& conninfo, const QString& profile) {
    stop();
    auto run = std::make_unique<Run>();
    run->relay = std::make_shared<Relay>(this);
    const std::shared_ptr<Relay> relay = run->relay;

    EmbedWorker::Options options;
    options.conninfo = conninfo;
    options.profile = profile;
    options.kind = QStringLiteral("gui");
    // The app names no profile on a command line: keys come from the keychain alone.
    const EmbedWorker::EmbedderFactory factory = [relay](const EmbeddingProfile& p) {
        SecretStore store;
        try {
            const ApiKeyResolver::Result key =
                ApiKeyResolver(store).resolve(p, ApiKeyResolver::Sources{QString(), false, {}});
            return createEmbedder(p, key.key);
        } catch (const KeyApprovalRequired& e) {
            relay->post([name = e.profileName(), origin = e.origin()](BackgroundWorker* owner) {
                emit owner->keyApprovalNeeded(name, origin);
            });
            throw;
        }
    };
    const auto onLog = [relay](const QString& text) {
        relay->post([text](BackgroundWorker* owner) { emit owner->message(text); });
    };
    run->worker = std::make_shared<EmbedWorker>(options, factory);
    run->worker->onLog = onLog;
    run->worker->onProgress = [relay](const EmbedWorker::Counters& c) {
        relay->post(
            [c](BackgroundWorker* owner) { emit owner->progress(c.done, c.failed, c.errors); });
    };

    JobRunner::Options jobOptions;
    jobOptions.conninfo = conninfo;
    jobOptions.embedderFactory = factory;
    run->jobs = std::make_shared<JobRunner>(jobOptions);
    run->jobs->onLog = onLog;
    run->jobs->onRunFinished = [relay](const JobRunner::RunReport& r) {
        if (r.status == QLatin1String("success") || r.status == QLatin1String("cancelled"))
            return;
        relay->post([r](BackgroundWorker* owner) {
            emit owner->jobNeedsAttention(r.job.name, r.status, r.error, r.details);
        });
    };

    // Plain threads, not QThreads: one left behind by stop() must free itself when it ends,
    // with no event loop of this object's thread to delete it. Each holds what it uses.
    try {
        relay->embedding.store(true);
        relay->threadStarting();
        run->workerThread = std::thread([relay, worker = run->worker]() mutable {
            QThread::currentThread()->setObjectName(QStringLiteral("quiver-embed-worker"));
            const int status = worker->run();
            const QString error = status == 0 ? QString() : worker->lastError();
            relay->embedding.store(false);
            relay->post(
                [status, error](BackgroundWorker* owner) { emit owner->stopped(status, error); });
            worker.reset(); // the last owner when stop() left this thread behind
            relay->threadEnded();
        });
        relay->threadStarting();
        run->jobsThread = std::thread([relay, jobs = run->jobs]() mutable {
            QThread::currentThread()->setObjectName(QStringLiteral("quiver-job-runner"));
            (void)jobs->run();
            jobs.reset();
            relay->threadEnded();
        });
    } catch (const std::system_error& e) {
        // The thread that did not start never runs threadEnded().
        relay->threadEnded();
        if (!run->workerThread.joinable())
            relay->embedding.store(false);
        m_run = std::move(run);
        stop();
        emit stopped(1, tr("The background worker could not start a thread: %1")
                            .arg(QString::fromLocal8Bit(e.what())));
        return;
    }
    m_run = std::move(run);
}

void BackgroundWorker::approveKeyOrigin(const QString& profile, const QString& origin) {
    ApprovedOrigins().approve(profile, origin);
}

void BackgroundWorker::stop() {
    if (!m_run)
        return;
    const std::unique_ptr<Run> run = std::move(m_run);
    // Both at once: a running job is cancelled (as by its max_runtime) and recorded while the
    // worker releases its batch.
    run->jobs->stop();
    run->worker->stop();
    const int leftBehind = run->relay->release(std::chrono::milliseconds(m_stopTimeoutMs));
    if (leftBehind == 0) {
        if (run->workerThread.joinable())
            run->workerThread.join();
        if (run->jobsThread.joinable())
            run->jobsThread.join();
        return;
    }
    // Stuck in a call that does not return (a database gone silent). Waiting longer would hang
    // the window or quitting; killing the thread would leave its connection and locks in an
    // unknown state. It ends on its own when the call returns or fails, holding what it uses;
    // nothing it does afterwards reaches this object.
    if (run->workerThread.joinable())
        run->workerThread.detach();
    if (run->jobsThread.joinable())
        run->jobsThread.detach();
    const QString text =
        tr("The background worker did not stop within %1 s: a database call has not returned. "
           "It will finish on its own once the call does.")
            .arg(m_stopTimeoutMs / 1000.0, 0, 'f', 1);
    qWarning("%s", qPrintable(text));
    emit message(text);
}

} // namespace quiver
