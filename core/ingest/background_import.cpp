#include "core/ingest/background_import.h"

#include "core/ingest/importer.h"
#include "core/ingest/root_identity.h"
#include "core/session/database_opener.h"

#include <QMetaObject>
#include <QPointer>
#include <QSettings>
#include <QThread>

namespace quiver {

BackgroundImport::BackgroundImport(QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<ImportProgress>();
    qRegisterMetaType<ImportFileResult>();
    qRegisterMetaType<ImportSummary>();
}

BackgroundImport::~BackgroundImport() {
    m_pending.clear();
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
}

void BackgroundImport::start(const QStringList& paths, const QString& collection,
                             bool removeMissing, bool allowMassRemoval) {
    if (paths.isEmpty())
        return;
    m_pending.append({paths, collection, removeMissing, allowMassRemoval});
    if (!m_thread)
        runNext();
}

void BackgroundImport::cancel() {
    m_pending.clear();
    if (m_cancel)
        m_cancel->store(true);
}

void BackgroundImport::runNext() {
    if (m_pending.isEmpty())
        return;
    const Request request = m_pending.takeFirst();
    auto cancelFlag = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancelFlag;
    const DatabaseTarget target = m_target;
    const ImportSettings settings = m_settings;
    QPointer<BackgroundImport> self(this);

    // The worker never touches this object directly: it posts to it, and the posts are dropped
    // if it is gone.
    const auto post = [self](auto&& fn) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, fn = std::forward<decltype(fn)>(fn)]() {
                if (self)
                    fn(self.data());
            },
            Qt::QueuedConnection);
    };

    m_thread = QThread::create([post, request, target, settings, cancelFlag]() {
        DatabaseOpener opener;
        PgConnection conn;
        try {
            conn = opener.open(target);
        } catch (const std::exception& e) {
            const QString message = userMessageFor(e);
            post([message](BackgroundImport* s) { emit s->failed(message); });
            return;
        }
        Importer importer(conn, settings, cancelFlag);
        importer.openConnection = [conninfo = opener.conninfo()]() {
            return PgConnection::open(conninfo);
        };
        importer.onFile = [&](const ImportFileResult& r) {
            post([r](BackgroundImport* s) { emit s->fileDone(r); });
        };
        importer.onProgress = [&](const ImportProgress& p) {
            post([p](BackgroundImport* s) { emit s->progress(p); });
        };
        QSettings localSettings;
        RootIdentityStore identities(localSettings);
        importer.rootIdentities = &identities;
        const ImportSummary summary = importer.run(
            {request.paths, request.collection, request.removeMissing, request.allowMassRemoval});
        conn = PgConnection();
        opener.release();
        post([summary](BackgroundImport* s) { emit s->finished(summary); });
    });
    connect(m_thread, &QThread::finished, this, [this]() {
        m_thread->deleteLater();
        m_thread = nullptr;
        runNext();
    });
    emit started(request.paths);
    m_thread->start();
}

} // namespace quiver
