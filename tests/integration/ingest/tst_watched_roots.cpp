// Rescans of watched folders (Importer with removeMissing and this machine's record of each
// folder) against the real PostgreSQL server of the ctest fixture: an unmounted disk (a real
// tmpfs when the test may mount, else a folder replaced by an empty one on the same path), an
// emptied or replaced folder, and a mass removal remove nothing until the user confirms; what
// is removed goes to the trash.
#include "core/ingest/document_trash.h"
#include "core/ingest/root_identity.h"
#include "import_test_support.h"
#include "tests/harness/ingest_fixtures.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace quiver;
using namespace quiver::test;
namespace fx = quiver::test::fixtures;

namespace {

void writeNotes(const QString& dir, int count, const QString& prefix = QStringLiteral("note")) {
    QVERIFY(QDir().mkpath(dir));
    for (int i = 0; i < count; ++i)
        QVERIFY(fx::writeFile(
            QStringLiteral("%1/%2-%3.txt").arg(dir, prefix).arg(i),
            QStringLiteral("%1 %2 says something of its own.").arg(prefix).arg(i).toUtf8()));
}

bool run(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestWatchedRoots : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void unmountedDiskRemovesNothing();
    void emptiedFolderRemovesNothing();
    void replacedFolderAsksFirst();
    void sameFolderOnAnotherInodeIsAdoptedWhenNothingIsGone();
    void massRemovalNeedsConfirmation();
    void removedDocumentsGoToTheTrash();

private:
    // One rescan of `roots` into `collection` (their folder's name when empty).
    ImportSummary rescan(const QStringList& roots, bool allowMass = false,
                         const QString& collection = {});
    qint64 documents() {
        return m_db->count(QStringLiteral("SELECT count(*) FROM quiver.documents"));
    }
    qint64 trashed() {
        return m_db->count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents"));
    }

    std::unique_ptr<ImportDatabase> m_db;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    QString m_mounted;
};

void TestWatchedRoots::init() {
    m_db = std::make_unique<ImportDatabase>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<QSettings>(m_dir->filePath(QStringLiteral("Quiver.conf")),
                                             QSettings::IniFormat);
}

void TestWatchedRoots::cleanup() {
    if (!m_mounted.isEmpty())
        run(QStringLiteral("umount"), {m_mounted});
    m_mounted.clear();
    m_settings.reset();
    m_dir.reset();
    m_db.reset();
}

ImportSummary TestWatchedRoots::rescan(const QStringList& roots, bool allowMass,
                                       const QString& collection) {
    RootIdentityStore identities(*m_settings);
    Importer importer(m_db->conn, {});
    importer.rootIdentities = &identities;
    Importer::Request request;
    request.paths = roots;
    request.collection = collection;
    request.removeMissing = true;
    request.allowMassRemoval = allowMass;
    return importer.run(request);
}

void TestWatchedRoots::unmountedDiskRemovesNothing() {
    const QString disk = m_dir->filePath(QStringLiteral("Disk"));
    QVERIFY(QDir().mkpath(disk));
    // Where the test may mount (root, as ctest runs here), a real file system is mounted on the
    // folder and unmounted again; elsewhere the unmount is simulated, and said so: the mount
    // point is replaced by an empty folder of the same name, as an unmount leaves it.
    const bool mounted = ::geteuid() == 0 &&
                         run(QStringLiteral("mount"),
                             {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                              QStringLiteral("size=4m"), QStringLiteral("quiver-test"), disk});
    if (mounted)
        m_mounted = disk;
    else
        qWarning("cannot mount a tmpfs here (not root, or not allowed): simulating the unmount "
                 "by replacing the folder with an empty one");
    writeNotes(disk, 12);
    ImportSummary first = rescan({disk});
    QCOMPARE(first.imported, 12);
    QCOMPARE(documents(), 12);
    const std::optional<RootIdentity> seen = RootIdentityStore(*m_settings).find(disk);
    QVERIFY(seen.has_value());
    QCOMPARE(seen->files, 12);
    QCOMPARE(seen->mountPoint, mounted);

    if (mounted) {
        QVERIFY(run(QStringLiteral("umount"), {disk}));
        m_mounted.clear();
    } else {
        QVERIFY(QDir(disk).removeRecursively());
        QVERIFY(QDir().mkpath(disk));
    }
    QVERIFY(QDir(disk).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    const ImportSummary after = rescan({disk});
    QCOMPARE(after.removed, 0);
    QCOMPARE(documents(), 12);
    QCOMPARE(trashed(), 0);
    QCOMPARE(after.removalRefusals.size(), 1);
    QCOMPARE(after.removalRefusals.first().root, disk);
    QVERIFY2(after.removalRefusals.first().reason.contains(QLatin1String("the folder is empty")),
             qPrintable(after.removalRefusals.first().reason));
    QVERIFY(after.removalRefusals.first().reason.contains(QLatin1String("12 files")));

    // A mount point that held a stray file of its own is not empty, and still not the disk.
    writeNotes(disk, 1, QStringLiteral("stray"));
    const ImportSummary stray = rescan({disk});
    QCOMPARE(stray.removed, 0);
    QCOMPARE(documents(), 13); // the stray file is imported, nothing removed
    QCOMPARE(stray.heldRemovals.size(), 1);
    QCOMPARE(stray.heldRemovals.first().documents, 12);
    const QString reason = stray.heldRemovals.first().reason;
    QVERIFY2(reason.contains(mounted ? QLatin1String("was a mount point")
                                     : QLatin1String("not the folder seen before")),
             qPrintable(reason));
    // The record still describes the disk, not the folder left behind.
    QCOMPARE(RootIdentityStore(*m_settings).find(disk)->inode, seen->inode);
}

void TestWatchedRoots::emptiedFolderRemovesNothing() {
    const QString dir = m_dir->filePath(QStringLiteral("Synced"));
    writeNotes(dir, 3);
    QCOMPARE(rescan({dir}).imported, 3);
    for (const QString& f : QDir(dir).entryList(QDir::Files))
        QVERIFY(QFile::remove(dir + QLatin1Char('/') + f));
    const ImportSummary s = rescan({dir});
    QCOMPARE(s.removed, 0);
    QCOMPARE(documents(), 3);
    QCOMPARE(s.removalRefusals.size(), 1);
    QVERIFY(s.removalRefusals.first().reason.contains(QLatin1String("the folder is empty")));
    QVERIFY(s.heldRemovals.isEmpty());
}

void TestWatchedRoots::replacedFolderAsksFirst() {
    const QString dir = m_dir->filePath(QStringLiteral("Papers"));
    writeNotes(dir, 3);
    QCOMPARE(rescan({dir}).imported, 3);
    // Another folder now stands at the path (a disk mounted over it, a restore gone wrong),
    // holding one of the three files: two look deleted, few enough to pass the threshold.
    QVERIFY(QDir().rename(dir, m_dir->filePath(QStringLiteral("Papers.old"))));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(QFile::copy(m_dir->filePath(QStringLiteral("Papers.old/note-0.txt")),
                        dir + QStringLiteral("/note-0.txt")));
    const ImportSummary held = rescan({dir});
    QCOMPARE(held.removed, 0);
    QCOMPARE(documents(), 3);
    QCOMPARE(held.heldRemovals.size(), 1);
    QCOMPARE(held.heldRemovals.first().documents, 2);
    QCOMPARE(held.heldRemovals.first().roots, QStringList{dir});
    QVERIFY(held.heldRemovals.first().reason.contains(QLatin1String("not the folder seen before")));

    // Confirmed: the two go to the trash, and the new folder is the one remembered.
    const ImportSummary confirmed = rescan({dir}, true);
    QCOMPARE(confirmed.removed, 2);
    QCOMPARE(documents(), 1);
    QCOMPARE(trashed(), 2);
    QVERIFY(confirmed.heldRemovals.isEmpty());
    QFile::remove(dir + QStringLiteral("/note-0.txt"));
    writeNotes(dir, 2, QStringLiteral("fresh"));
    const ImportSummary next = rescan({dir});
    QVERIFY(next.heldRemovals.isEmpty());
    QCOMPARE(next.removed, 1);
}

void TestWatchedRoots::sameFolderOnAnotherInodeIsAdoptedWhenNothingIsGone() {
    const QString dir = m_dir->filePath(QStringLiteral("Moved"));
    writeNotes(dir, 4);
    QCOMPARE(rescan({dir}).imported, 4);
    const quint64 before = RootIdentityStore(*m_settings).find(dir)->inode;
    // Copied back from a backup: every file is there, in a new folder.
    QVERIFY(QDir().rename(dir, m_dir->filePath(QStringLiteral("Moved.bak"))));
    writeNotes(dir, 4);
    const ImportSummary s = rescan({dir});
    QVERIFY(s.heldRemovals.isEmpty());
    QCOMPARE(s.unchanged, 4);
    QVERIFY(RootIdentityStore(*m_settings).find(dir)->inode != before);
    // From now on it is the folder: a deleted file goes without a question.
    QVERIFY(QFile::remove(dir + QStringLiteral("/note-3.txt")));
    QCOMPARE(rescan({dir}).removed, 1);
}

void TestWatchedRoots::massRemovalNeedsConfirmation() {
    const QString dir = m_dir->filePath(QStringLiteral("Archive"));
    writeNotes(dir, 20);
    QCOMPARE(rescan({dir}).imported, 20);
    // Five of twenty (a quarter, and not more than ten) go without a question.
    for (int i = 0; i < 5; ++i)
        QVERIFY(QFile::remove(dir + QStringLiteral("/note-%1.txt").arg(i)));
    QCOMPARE(rescan({dir}).removed, 5);
    QCOMPARE(documents(), 15);
    // Eleven of the fifteen left would be more than ten and more than a quarter.
    for (int i = 5; i < 16; ++i)
        QVERIFY(QFile::remove(dir + QStringLiteral("/note-%1.txt").arg(i)));
    const ImportSummary held = rescan({dir});
    QCOMPARE(held.removed, 0);
    QCOMPARE(documents(), 15);
    QCOMPARE(held.heldRemovals.size(), 1);
    const HeldRemoval h = held.heldRemovals.first();
    QCOMPARE(h.collection, QStringLiteral("Archive"));
    QCOMPARE(h.documents, 11);
    QCOMPARE(h.inCollection, 15);
    QVERIFY2(h.reason.contains(QLatin1String("11 of the 15 documents")), qPrintable(h.reason));
    // Asked again at the next rescan, until confirmed.
    QCOMPARE(rescan({dir}).heldRemovals.size(), 1);
    const ImportSummary confirmed = rescan({dir}, true);
    QCOMPARE(confirmed.removed, 11);
    QCOMPARE(documents(), 4);
    QCOMPARE(trashed(), 16);
}

void TestWatchedRoots::removedDocumentsGoToTheTrash() {
    const QString dir = m_dir->filePath(QStringLiteral("Kept"));
    writeNotes(dir, 3);
    QCOMPARE(rescan({dir}).imported, 3);
    const qint64 chunks = m_db->count(QStringLiteral("SELECT count(*) FROM quiver.chunks"));
    QVERIFY(chunks >= 3);
    QVERIFY(QFile::remove(dir + QStringLiteral("/note-1.txt")));
    const ImportSummary s = rescan({dir});
    QCOMPARE(s.removed, 1);
    QCOMPARE(documents(), 2);
    const QList<TrashedDocument> trash = DocumentTrash(m_db->conn).list();
    QCOMPARE(trash.size(), 1);
    QCOMPARE(trash.first().path, dir + QStringLiteral("/note-1.txt"));
    QCOMPARE(trash.first().collection, QStringLiteral("Kept"));
    QVERIFY2(trash.first().reason.contains(dir), qPrintable(trash.first().reason));
    QCOMPARE(trash.first().chunks + m_db->count(QStringLiteral("SELECT count(*) FROM "
                                                               "quiver.chunks")),
             chunks);
}

QTEST_GUILESS_MAIN(TestWatchedRoots)
#include "tst_watched_roots.moc"
