#pragma once

#include "core/jobs/job_handler.h"

#include <QStringList>

class QSettings;

namespace quiver {

// rescan_watched: imports the watch folders again (new and changed files in, documents whose
// file is gone removed). Config: {"paths": [...], "collection": NAME}, both optional; without
// paths, the watch folders saved in this machine's Quiver settings. rows_done counts files
// imported and documents removed; rows_failed the files that could not be imported.
class RescanWatchedJob : public JobHandler {
public:
    // Where the GUI keeps its watch folders (QSettings, Quiver's organisation and application).
    static QString watchFoldersKey() { return QStringLiteral("import/watchFolders"); }
    static QStringList savedWatchFolders(const QSettings& settings);

    JobOutcome run(JobContext& context) override;
};

} // namespace quiver
