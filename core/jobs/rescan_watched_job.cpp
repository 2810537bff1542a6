#include "core/jobs/rescan_watched_job.h"

#include "core/ingest/importer.h"
#include "core/jobs/job_repository.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QSettings>

namespace quiver {

QStringList RescanWatchedJob::savedWatchFolders(const QSettings& settings) {
    return settings.value(watchFoldersKey()).toStringList();
}

JobOutcome RescanWatchedJob::run(JobContext& context) {
    const Job& job = context.job;
    QStringList paths;
    for (const QJsonValue& v : job.config.value(QStringLiteral("paths")).toArray()) {
        if (!v.toString().isEmpty())
            paths.append(v.toString());
    }
    const QSettings settings;
    if (paths.isEmpty())
        paths = savedWatchFolders(settings);
    if (paths.isEmpty())
        throw JobError(QStringLiteral("job \"%1\": there is nothing to rescan: this machine has "
                                      "no watch folders; add one in Quiver's Import page or give "
                                      "the job '{\"paths\": [\"/some/folder\"]}' as --config")
                           .arg(job.name));
    for (const QString& path : std::as_const(paths)) {
        // A folder that went away (an unmounted disk) must not look like all its files were
        // deleted: the run fails instead of removing its documents.
        if (!QFileInfo::exists(path))
            throw JobError(QStringLiteral("job \"%1\": the watch folder %2 does not exist: "
                                          "reconnect it, or remove it from the watch folders")
                               .arg(job.name, path));
    }

    Importer importer(context.conn, ImportSettings::load(settings), context.control.flag());
    Importer::Request request;
    request.paths = paths;
    request.collection = job.config.value(QStringLiteral("collection")).toString();
    request.removeMissing = true;
    const ImportSummary s = importer.run(request);
    if (s.databaseLost)
        throw JobError(QStringLiteral("job \"%1\": the database connection was lost during the "
                                      "rescan (%2); the next run resumes it")
                           .arg(job.name, s.databaseError));

    JobOutcome out;
    out.done = s.imported + s.removed;
    out.failed = s.failed;
    out.details = QJsonObject{{QStringLiteral("paths"), QJsonArray::fromStringList(paths)},
                              {QStringLiteral("imported"), s.imported},
                              {QStringLiteral("unchanged"), s.unchanged},
                              {QStringLiteral("removed"), s.removed},
                              {QStringLiteral("skipped"), s.skipped},
                              {QStringLiteral("failed"), s.failed},
                              {QStringLiteral("chunks"), s.chunks}};
    return out;
}

} // namespace quiver
