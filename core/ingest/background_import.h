#pragma once

#include "core/ingest/import_settings.h"
#include "core/ingest/import_types.h"
#include "core/session/database_target.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

class QThread;

namespace quiver {

class Importer;

// Runs imports for the GUI on a thread of its own, with its own database connection. Requests
// made while one runs wait their turn. Signals arrive queued on the owner's thread; cancel()
// makes the running import stop within a second, keeping what it committed.
class BackgroundImport : public QObject {
    Q_OBJECT
public:
    explicit BackgroundImport(QObject* parent = nullptr);
    ~BackgroundImport() override; // cancels and waits

    void setTarget(const DatabaseTarget& target) { m_target = target; }
    void setSettings(const ImportSettings& settings) { m_settings = settings; }
    // removeMissing: a watched folder's documents whose files are gone go to the trash, under
    // the checks of MissingFileRemover (this machine's Quiver settings remember each folder);
    // allowMassRemoval: the user confirmed what a previous run held back.
    void start(const QStringList& paths, const QString& collection = {}, bool removeMissing = false,
               bool allowMassRemoval = false);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }

signals:
    void started(const QStringList& paths);
    void progress(const quiver::ImportProgress& progress);
    void fileDone(const quiver::ImportFileResult& result);
    void finished(const quiver::ImportSummary& summary);
    void failed(const QString& userMessage); // could not even begin (database unreachable)

private:
    struct Request {
        QStringList paths;
        QString collection;
        bool removeMissing = false;
        bool allowMassRemoval = false;
    };
    void runNext();

    DatabaseTarget m_target;
    ImportSettings m_settings;
    QList<Request> m_pending;
    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace quiver
