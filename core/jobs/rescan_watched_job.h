#pragma once

#include "core/jobs/job_handler.h"

#include <QStringList>

class QSettings;

namespace quiver {

// rescan_watched: imports the watch folders again (new and changed files in, documents whose
// file is gone moved to the trash under MissingFileRemover's checks). Config: {"paths": [...],
// "collection": NAME}, both optional; without paths, the watch folders saved in this machine's
// Quiver settings. The database is shared, so it decides nothing local: the job runs only on
// the machine that created it (JobRunner claims only those), and a path from its config is
// rescanned only when it lies in one of this machine's watch folders; any other is refused, with
// the reason in the run's error. rows_done counts files imported and documents removed;
// rows_failed the files that could not be imported. Removals it holds back end the run
// "needs_confirmation" (details.held); folders it removed nothing under fail it (details.refused).
class RescanWatchedJob : public JobHandler {
public:
    // Where the GUI keeps its watch folders (QSettings, Quiver's organisation and application).
    static QString watchFoldersKey() { return QStringLiteral("import/watchFolders"); }
    static QStringList savedWatchFolders(const QSettings& settings);
    // Adds folders to this machine's watch folders (a job made on this machine's command line).
    static void addWatchFolders(QSettings& settings, const QStringList& folders);
    // Why `path` may not be rescanned here, or empty when it lies in one of localRoots (the
    // same folder or below it, also once symbolic links are resolved).
    static QString outsideLocalRoots(const QString& path, const QStringList& localRoots);

    JobOutcome run(JobContext& context) override;
};

} // namespace quiver
