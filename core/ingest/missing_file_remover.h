#pragma once

#include "core/ingest/import_types.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace quiver {

class PgConnection;
class RootIdentityStore;

// Moves to the trash the documents of a watched folder whose files are gone, and only on
// evidence: a file is gone when the system says it does not exist (ENOENT), never because a
// folder could not be read. Under a root that is missing, unreadable or empty nothing is removed
// and the refusal says why. A root that is not the folder recorded when it was last rescanned on
// this machine (another device, another inode, a mount point that is no longer one), or a rescan
// that would remove more of a collection than the mass-removal threshold allows, removes nothing
// until the user confirms (allowMass). Blocking; throws DbError.
class MissingFileRemover {
public:
    struct Root {
        QString path;     // clean and absolute
        qint64 files = 0; // files this run's walk found under it
        QStringList unreadableFolders;
    };
    struct Options {
        double maxShare = 0.25;
        int maxCount = 10;
        bool allowMass = false; // the user confirmed: held removals go ahead
    };
    struct Result {
        QList<ImportFileResult> removed;
        QList<RemovalRefusal> refused;
        std::optional<HeldRemoval> held;
    };

    // identities: where this machine remembers its roots; null remembers nothing (no identity
    // check beyond the folder's state now).
    MissingFileRemover(PgConnection& conn, RootIdentityStore* identities, Options options);

    Result run(const QString& collection, const QList<Root>& roots);

    // The system says the path does not exist (as opposed to: it could not look).
    static bool fileIsGone(const QString& path);

private:
    PgConnection& m_conn;
    RootIdentityStore* m_identities;
    Options m_options;
};

} // namespace quiver
