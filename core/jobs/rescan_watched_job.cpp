#include "core/jobs/rescan_watched_job.h"

#include "core/ingest/folder_walker.h"
#include "core/ingest/importer.h"
#include "core/ingest/root_identity.h"
#include "core/jobs/host_id.h"
#include "core/jobs/job_repository.h"
#include "core/util/path_spelling.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QSettings>

namespace quiver {

namespace {

// As the folder walker spells an import root, so that both agree on one folder.
QString cleanAbsolute(const QString& path) {
    return canonicalCase(QDir::cleanPath(QFileInfo(path).absoluteFilePath()));
}

bool within(const QString& path, const QString& root) {
    return path == root ||
           path.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'));
}

} // namespace

QStringList RescanWatchedJob::savedWatchFolders(const QSettings& settings) {
    QStringList out;
    for (const QString& folder : settings.value(watchFoldersKey()).toStringList()) {
        if (!folder.isEmpty())
            out.append(cleanAbsolute(folder));
    }
    out.removeDuplicates();
    return out;
}

void RescanWatchedJob::addWatchFolders(QSettings& settings, const QStringList& folders) {
    settings.sync();
    QStringList saved = settings.value(watchFoldersKey()).toStringList();
    for (const QString& folder : folders) {
        const QString clean = cleanAbsolute(folder);
        if (!saved.contains(clean))
            saved.append(clean);
    }
    settings.setValue(watchFoldersKey(), saved);
    settings.sync();
}

QString RescanWatchedJob::outsideLocalRoots(const QString& path, const QStringList& localRoots) {
    const QString clean = cleanAbsolute(path);
    const QString canonical = QFileInfo(clean).canonicalFilePath();
    for (const QString& root : localRoots) {
        const QString rootClean = cleanAbsolute(root);
        if (!within(clean, rootClean))
            continue;
        // A link inside a watch folder may lead anywhere: where it leads must be inside too.
        const QString rootCanonical = QFileInfo(rootClean).canonicalFilePath();
        if (canonical.isEmpty() || rootCanonical.isEmpty() || within(canonical, rootCanonical))
            return {};
    }
    return QStringLiteral("not in this machine's watch folders, so not rescanned here: the "
                          "folders a job may read are chosen on this machine (Watch Folder… in "
                          "Quiver, or 'quiver-cli jobs add rescan_watched --config' here), "
                          "never by the database");
}

JobOutcome RescanWatchedJob::run(JobContext& context) {
    const Job& job = context.job;
    QSettings settings;
    // The runner claims only this machine's rescans; a job handed here any other way is
    // refused all the same.
    if (job.hostId != HostId::local(settings))
        throw JobError(QStringLiteral("job \"%1\" belongs to another machine (%2) and rescans "
                                      "that machine's folders; it runs only there ('quiver-cli "
                                      "jobs alter %1 --adopt' makes it this machine's)")
                           .arg(job.name, job.hostId.isEmpty() ? QStringLiteral("none recorded")
                                                               : job.hostId));
    const QStringList localRoots = savedWatchFolders(settings);
    QStringList paths;
    QStringList problems;
    QJsonArray refused;
    const auto refuse = [&](const QString& path, const QString& reason) {
        problems.append(QStringLiteral("%1: %2").arg(path, reason));
        refused.append(
            QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("reason"), reason}});
    };
    const QJsonArray configured = job.config.value(QStringLiteral("paths")).toArray();
    for (const QJsonValue& v : configured) {
        const QString path = v.toString();
        if (path.isEmpty())
            continue;
        if (const QString reason = outsideLocalRoots(path, localRoots); !reason.isEmpty())
            refuse(path, reason);
        else
            paths.append(cleanAbsolute(path));
    }
    if (configured.isEmpty())
        paths = localRoots;
    for (qsizetype i = paths.size() - 1; i >= 0; --i) {
        if (const QString reason = FolderWalker::rootProblem(paths[i]); !reason.isEmpty()) {
            refuse(paths[i], reason);
            paths.removeAt(i);
        }
    }
    if (paths.isEmpty() && problems.isEmpty())
        throw JobError(QStringLiteral("job \"%1\": there is nothing to rescan: this machine has "
                                      "no watch folders; add one in Quiver's Import page or give "
                                      "the job '{\"paths\": [\"/some/folder\"]}' as --config")
                           .arg(job.name));
    if (paths.isEmpty())
        throw JobError(QStringLiteral("job \"%1\" refused every folder it names: %2")
                           .arg(job.name, problems.join(QStringLiteral("; "))));
    for (const QString& path : std::as_const(paths)) {
        // A folder that went away (an unmounted disk) must not look like all its files were
        // deleted: the run fails instead of removing its documents.
        if (!QFileInfo::exists(path))
            throw JobError(QStringLiteral("job \"%1\": the watch folder %2 does not exist: "
                                          "reconnect it, or remove it from the watch folders")
                               .arg(job.name, path));
    }

    Importer importer(context.conn, ImportSettings::load(settings), context.control.flag());
    RootIdentityStore identities(settings);
    importer.rootIdentities = &identities;
    Importer::Request request;
    request.paths = paths;
    request.collection = job.config.value(QStringLiteral("collection")).toString();
    request.removeMissing = true;
    request.allowMassRemoval = context.allowMassRemoval;
    const ImportSummary s = importer.run(request);
    if (s.databaseLost)
        throw JobError(QStringLiteral("job \"%1\": the database connection was lost during the "
                                      "rescan (%2); the next run resumes it")
                           .arg(job.name, s.databaseError));

    for (const RemovalRefusal& r : s.removalRefusals)
        refuse(r.root, r.reason);
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
    if (!refused.isEmpty()) {
        out.details.insert(QStringLiteral("refused"), refused);
        out.error = QStringLiteral("job \"%1\" removed nothing under %2")
                        .arg(job.name, problems.join(QStringLiteral("; ")));
    }
    if (!s.heldRemovals.isEmpty()) {
        QJsonArray held;
        QStringList reasons;
        for (const HeldRemoval& h : s.heldRemovals) {
            held.append(QJsonObject{{QStringLiteral("collection"), h.collection},
                                    {QStringLiteral("roots"), QJsonArray::fromStringList(h.roots)},
                                    {QStringLiteral("documents"), h.documents},
                                    {QStringLiteral("in_collection"), h.inCollection},
                                    {QStringLiteral("reason"), h.reason}});
            reasons.append(h.reason);
        }
        out.details.insert(QStringLiteral("held"), held);
        out.question = QStringLiteral("job \"%1\" needs confirmation and removed nothing: %2. To "
                                      "move those documents to the trash, confirm in Quiver or "
                                      "run 'quiver-cli jobs run %1 --allow-mass-removal' on this "
                                      "machine")
                           .arg(job.name, reasons.join(QStringLiteral("; ")));
    }
    return out;
}

} // namespace quiver
