#include "core/ingest/missing_file_remover.h"

#include "core/db/pg_connection.h"
#include "core/ingest/document_trash.h"
#include "core/ingest/root_identity.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSysInfo>

#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <sys/stat.h>
#endif

namespace quiver {

namespace {

struct Gone {
    qint64 id = 0;
    QString path;
};

// One root whose missing files may go, once the collection as a whole allows it.
struct Candidate {
    QString root;
    RootIdentity now;
    QString change; // set: not the folder recorded before
    QList<Gone> gone;
};

bool isUnder(const QString& path, const QString& folder) {
    return path.startsWith(folder.endsWith(QLatin1Char('/')) ? folder : folder + QLatin1Char('/'));
}

} // namespace

MissingFileRemover::MissingFileRemover(PgConnection& conn, RootIdentityStore* identities,
                                       Options options)
    : m_conn(conn)
    , m_identities(identities)
    , m_options(options) {}

bool MissingFileRemover::fileIsGone(const QString& path) {
#ifdef Q_OS_UNIX
    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) == 0)
        return false;
    // ENOTDIR: a folder on the way became a file, so the file is gone too. Anything else
    // (EACCES, EIO, ESTALE of a dead network mount) means the system could not look.
    return errno == ENOENT || errno == ENOTDIR;
#else
    return !QFileInfo::exists(path) && QFileInfo(QFileInfo(path).absolutePath()).isReadable();
#endif
}

MissingFileRemover::Result MissingFileRemover::run(const QString& collection,
                                                   const QList<Root>& roots) {
    Result result;
    QList<Candidate> candidates;
    for (const Root& root : roots) {
        const RootProbe probe = RootProbe::of(root.path);
        if (probe.state == RootProbe::State::NotAFolder)
            continue; // a file imported by itself has nothing below it
        if (probe.state != RootProbe::State::Folder) {
            result.refused.append(
                {root.path, probe.state == RootProbe::State::Missing
                                ? QStringLiteral("the folder does not exist (%1): reconnect its "
                                                 "disk, or remove it from the watch folders")
                                      .arg(probe.error)
                                : QStringLiteral("the folder cannot be read (%1): allow reading "
                                                 "it; nothing under it was removed")
                                      .arg(probe.error)});
            continue;
        }
        const std::optional<RootIdentity> recorded =
            m_identities ? m_identities->find(root.path) : std::nullopt;
        const PgResult stored = m_conn.exec(
            QStringLiteral("SELECT d.id, d.path FROM quiver.documents d JOIN quiver.collections c "
                           "ON c.id = d.collection_id WHERE c.name = $1 "
                           "AND starts_with(d.path, $2) ORDER BY d.path"),
            {collection,
             root.path.endsWith(QLatin1Char('/')) ? root.path : root.path + QLatin1Char('/')});
        Candidate c;
        c.root = root.path;
        c.now = probe.identity;
        c.now.files = root.files;
        c.now.seen = QDateTime::currentDateTimeUtc();
        if (stored.rows() > 0 && root.files == 0) {
            // An unmounted disk leaves an empty mount point; a sync client that lost its
            // account empties its folder. Neither is the user deleting every file.
            result.refused.append(
                {root.path,
                 QStringLiteral("the folder is empty%1: nothing under it was removed. Is its disk "
                                "mounted? If you emptied it on purpose, delete its documents in "
                                "the Library")
                     .arg(recorded && recorded->files > 0
                              ? QStringLiteral(" (it held %1 files when last seen)")
                                    .arg(recorded->files)
                              : QString())});
            continue;
        }
        if (recorded && recorded->mountPoint && !c.now.mountPoint)
            c.change = QStringLiteral("%1 was a mount point when last seen and is now a folder "
                                      "of its parent's disk: is the disk unmounted?")
                           .arg(root.path);
        else if (recorded && !c.now.sameFolderAs(*recorded))
            c.change = QStringLiteral("%1 is not the folder seen before (then %2, now %3): a "
                                      "disk mounted in its place, or the folder replaced?")
                           .arg(root.path, recorded->describe(), c.now.describe());
        QHash<QString, int> keptUnder; // unreadable folder -> its documents kept
        for (int i = 0; i < stored.rows(); ++i) {
            const QString path = stored.text(i, 1);
            const auto unreadable =
                std::find_if(root.unreadableFolders.cbegin(), root.unreadableFolders.cend(),
                             [&](const QString& folder) { return isUnder(path, folder); });
            if (unreadable != root.unreadableFolders.cend()) {
                ++keptUnder[*unreadable];
                continue;
            }
            if (fileIsGone(path))
                c.gone.append({stored.toInt64(i, 0), path});
        }
        for (auto it = keptUnder.cbegin(); it != keptUnder.cend(); ++it)
            result.refused.append(
                {it.key(), QStringLiteral("the folder cannot be read (permission denied): its %1 "
                                          "document(s) were kept; allow reading it")
                               .arg(it.value())});
        candidates.append(c);
    }

    int total = 0;
    QStringList changes;
    for (const Candidate& c : std::as_const(candidates)) {
        total += static_cast<int>(c.gone.size());
        if (!c.change.isEmpty() && !c.gone.isEmpty())
            changes.append(c.change);
    }
    const qint64 inCollection =
        total == 0 ? 0
                   : m_conn
                         .exec(QStringLiteral("SELECT count(*) FROM quiver.documents d JOIN "
                                              "quiver.collections c ON c.id = d.collection_id "
                                              "WHERE c.name = $1"),
                               {collection})
                         .toInt64(0, 0);
    const bool mass = total > m_options.maxCount &&
                      static_cast<double>(total) > m_options.maxShare * double(inCollection);
    if ((mass || !changes.isEmpty()) && !m_options.allowMass) {
        HeldRemoval held;
        held.collection = collection;
        held.documents = total;
        held.inCollection = inCollection;
        for (const Candidate& c : std::as_const(candidates)) {
            if (!c.gone.isEmpty())
                held.roots.append(c.root);
        }
        if (mass)
            changes.prepend(QStringLiteral("%1 of the %2 documents of \"%3\" would go to the "
                                           "trash, more than the %4% a rescan removes without "
                                           "asking")
                                .arg(total)
                                .arg(inCollection)
                                .arg(collection)
                                .arg(std::lround(m_options.maxShare * 100)));
        held.reason = changes.join(QStringLiteral("; "));
        result.held = held;
        return result;
    }

    const QString by = QStringLiteral("%1:%2")
                           .arg(QSysInfo::machineHostName())
                           .arg(QCoreApplication::applicationPid());
    DocumentTrash trash(m_conn);
    for (const Candidate& c : std::as_const(candidates)) {
        if (!c.gone.isEmpty()) {
            QList<qint64> ids;
            for (const Gone& g : c.gone)
                ids.append(g.id);
            trash.moveDocuments(
                ids, QStringLiteral("its file is gone from the watched folder %1").arg(c.root), by);
            for (const Gone& g : c.gone) {
                ImportFileResult r;
                r.outcome = ImportFileResult::Outcome::Removed;
                r.path = g.path;
                r.collection = collection;
                r.documentId = g.id;
                result.removed.append(r);
            }
        }
        // Seen whole and judged: what the next rescan compares with.
        if (m_identities)
            m_identities->save(c.root, c.now);
    }
    return result;
}

} // namespace quiver
