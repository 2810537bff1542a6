#include "core/jobs/background_worker.h"

#include "core/embed/api_key_resolver.h"
#include "core/embed/approved_origins.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/key_approval_required.h"
#include "core/jobs/embed_worker.h"
#include "core/jobs/job_runner.h"
#include "core/secrets/secret_store.h"

#include <QPointer>
#include <QThread>

namespace quiver {

BackgroundWorker::BackgroundWorker(QObject* parent)
    : QObject(parent) {}

BackgroundWorker::~BackgroundWorker() {
    stop();
}

bool BackgroundWorker::isRunning() const {
    return m_thread && m_thread->isRunning();
}

void BackgroundWorker::start(const QString& conninfo, const QString& profile) {
    stop();
    EmbedWorker::Options options;
    options.conninfo = conninfo;
    options.profile = profile;
    options.kind = QStringLiteral("gui");
    QPointer<BackgroundWorker> self(this);
    // The app names no profile on a command line: keys come from the keychain alone.
    const EmbedWorker::EmbedderFactory factory = [self](const EmbeddingProfile& p) {
        SecretStore store;
        try {
            const ApiKeyResolver::Result key =
                ApiKeyResolver(store).resolve(p, ApiKeyResolver::Sources{QString(), false, {}});
            return createEmbedder(p, key.key);
        } catch (const KeyApprovalRequired& e) {
            const QString name = e.profileName();
            const QString origin = e.origin();
            if (self)
                QMetaObject::invokeMethod(self, [self, name, origin] {
                    if (self)
                        emit self->keyApprovalNeeded(name, origin);
                });
            throw;
        }
    };
    m_worker = std::make_unique<EmbedWorker>(options, factory);
    m_worker->onLog = [self](const QString& text) {
        if (self)
            QMetaObject::invokeMethod(self, [self, text] {
                if (self)
                    emit self->message(text);
            });
    };
    m_worker->onProgress = [self](const EmbedWorker::Counters& c) {
        if (self)
            QMetaObject::invokeMethod(self, [self, c] {
                if (self)
                    emit self->progress(c.done, c.failed, c.errors);
            });
    };
    EmbedWorker* worker = m_worker.get();
    m_thread = QThread::create([worker, self] {
        const int status = worker->run();
        const QString error = status == 0 ? QString() : worker->lastError();
        if (self)
            QMetaObject::invokeMethod(self, [self, status, error] {
                if (self)
                    emit self->stopped(status, error);
            });
    });
    m_thread->setObjectName(QStringLiteral("quiver-embed-worker"));
    m_thread->start();

    JobRunner::Options jobOptions;
    jobOptions.conninfo = conninfo;
    jobOptions.embedderFactory = factory;
    m_jobs = std::make_unique<JobRunner>(jobOptions);
    m_jobs->onLog = m_worker->onLog;
    m_jobs->onRunFinished = [self](const JobRunner::RunReport& r) {
        if (r.status == QLatin1String("success") || r.status == QLatin1String("cancelled") || !self)
            return;
        QMetaObject::invokeMethod(self, [self, r] {
            if (self)
                emit self->jobNeedsAttention(r.job.name, r.status, r.error, r.details);
        });
    };
    JobRunner* jobs = m_jobs.get();
    m_jobsThread = QThread::create([jobs] { (void)jobs->run(); });
    m_jobsThread->setObjectName(QStringLiteral("quiver-job-runner"));
    m_jobsThread->start();
}

void BackgroundWorker::approveKeyOrigin(const QString& profile, const QString& origin) {
    ApprovedOrigins().approve(profile, origin);
}

void BackgroundWorker::stop() {
    if (m_jobsThread) {
        // A running job is cancelled (as by its max_runtime) and recorded before this returns.
        m_jobs->stop();
        m_jobsThread->wait();
        delete m_jobsThread;
        m_jobsThread = nullptr;
        m_jobs.reset();
    }
    if (!m_thread)
        return;
    m_worker->stop();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_worker.reset();
}

} // namespace quiver
