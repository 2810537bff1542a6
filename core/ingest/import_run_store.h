#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace quiver {

class PgConnection;

// The database's record of import runs (quiver.import_runs / import_files): which files a run
// found and what became of each. An unfinished run of the same collection and roots is resumed:
// its files already stored are not read again unless their size or modification time changed
// since. Blocking; throws DbError.
class ImportRunStore {
public:
    struct Run {
        qint64 id = 0;
        bool resumed = false;
        // What a file already imported, unchanged or skipped in this run looked like then.
        struct Stamp {
            qint64 size = -1;
            qint64 mtimeMs = -1; // -1: not recorded (skipped files, documents without one)
        };
        QHash<QString, Stamp> done;
        // Whether a file now of this size and mtime is still the one the run handled.
        bool isDone(const QString& path, qint64 size, qint64 mtimeMs) const;
    };
    struct PendingRun {
        qint64 id = 0;
        QString collection;
        QStringList roots;
        qint64 pendingFiles = 0;
    };

    explicit ImportRunStore(PgConnection& conn);

    Run begin(qint64 collectionId, QStringList roots, const QStringList& files,
              const QList<qint64>& sizes);
    struct Mark {
        QString path;
        QString state; // 'unchanged', 'skipped', 'failed'
        QString reason;
    };
    void mark(qint64 runId, const QString& path, const QString& state, const QString& reason);
    void mark(qint64 runId, const QList<Mark>& marks); // one statement for many files
    void finish(qint64 runId);
    // Runs cut short (cancelled, crashed, server gone) that still have files to do.
    QList<PendingRun> unfinished();

private:
    PgConnection& m_conn;
};

} // namespace quiver
