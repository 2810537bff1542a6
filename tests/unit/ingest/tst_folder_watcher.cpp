// The folder watcher on real folders in a temporary directory, with real inotify events and
// real threads: changes are reported once they settle, whole trees are walked off the thread
// that owns the watcher (so a big or dead folder never stalls the GUI), and a watcher
// destroyed mid-walk neither waits for it nor hears from it again.
#include "core/ingest/folder_fingerprint.h"
#include "core/ingest/folder_scanner.h"
#include "core/ingest/folder_watcher.h"
#include "tests/harness/stall_monitor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <fcntl.h>
#include <memory>
#include <unistd.h>
#include <vector>

using namespace quiver;

namespace {

constexpr int kManyFiles = 50000;
constexpr int kWalkTimeoutMs = 300000;

using test::kLongestGapMs;
using test::kTypicalGapMs;

void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Append));
    f.write(bytes);
}

// Plain system calls: QFile would take minutes for this many on a busy machine.
bool writeManyFiles(const QString& dir, int count) {
    const QByteArray base = QFile::encodeName(dir) + "/file-";
    for (int i = 0; i < count; ++i) {
        const QByteArray path = base + QByteArray::number(i) + ".txt";
        const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return false;
        const QByteArray text = "note " + QByteArray::number(i) + "\n";
        const bool ok = ::write(fd, text.constData(), static_cast<size_t>(text.size())) ==
                        static_cast<ssize_t>(text.size());
        if (::close(fd) != 0 || !ok)
            return false;
    }
    return true;
}

} // namespace

class TestFolderWatcher : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_many.isValid());
        QVERIFY(writeManyFiles(m_many.path(), kManyFiles));
    }

    void cleanup() {
        // Every walk a test started has ended (and freed what it held) before the next.
        QTRY_COMPARE_WITH_TIMEOUT(FolderScanner::walksRunning(), 0, kWalkTimeoutMs);
    }

    void reportsOnceAfterWritesSettle() {
        QTemporaryDir tmp;
        QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("sub"))));
        FolderWatcher watcher;
        watcher.setRescanIntervalMs(0);
        watcher.setQuietPeriodMs(400);
        QSignalSpy scanned(&watcher, &FolderWatcher::folderScanned);
        watcher.watch(QStringLiteral("Notes"), tmp.path());
        QVERIFY(scanned.wait(kWalkTimeoutMs));
        QSignalSpy changed(&watcher, &FolderWatcher::folderChanged);

        // A file written in several steps, each sooner than the quiet period after the last.
        const QString file = tmp.filePath(QStringLiteral("sub/growing.txt"));
        QElapsedTimer sinceLastWrite;
        for (int i = 0; i < 4; ++i) {
            write(file, "more text\n");
            sinceLastWrite.start();
            QTest::qWait(100); // the writer's own pace, not a synchronisation
        }
        QVERIFY(changed.wait(5000));
        QVERIFY2(sinceLastWrite.elapsed() >= 400, "reported before the file settled");
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("Notes"));
        QCOMPARE(changed.first().at(1).toString(), QDir::cleanPath(tmp.path()));

        // A deletion is a change too.
        QVERIFY(QFile::remove(file));
        QVERIFY(changed.wait(5000));
        QCOMPARE(changed.size(), 2);
    }

    void periodicRescanCatchesWhatEventsMiss() {
        QTemporaryDir tmp;
        FolderWatcher watcher;
        watcher.setUseFileSystemEvents(false); // as on a network file system
        watcher.setQuietPeriodMs(100);
        watcher.setRescanIntervalMs(200);
        QSignalSpy scanned(&watcher, &FolderWatcher::folderScanned);
        watcher.watch(QStringLiteral("Share"), tmp.path());
        QVERIFY(scanned.wait(kWalkTimeoutMs));
        QSignalSpy changed(&watcher, &FolderWatcher::folderChanged);
        write(tmp.filePath(QStringLiteral("new.txt")), "hello");
        QVERIFY(changed.wait(5000));
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("Share"));
        // Nothing more changes: no more reports.
        QVERIFY(!changed.wait(700));
    }

    // The whole walk of 50,000 files runs while the GUI thread's timer keeps ticking: a walk on
    // that thread would show as one gap as long as the walk.
    void guiThreadKeepsTickingWhileABigFolderIsWalked() {
        test::StallMonitor monitor;
        FolderWatcher watcher;
        watcher.setRescanIntervalMs(0);
        QSignalSpy scanned(&watcher, &FolderWatcher::folderScanned);
        QElapsedTimer walk;
        monitor.start();
        walk.start();
        watcher.watch(QStringLiteral("Many"), m_many.path());
        QVERIFY(scanned.wait(kWalkTimeoutMs));
        monitor.pause();
        const qint64 p99 = monitor.percentileMs(0.99);
        qInfo("walk of %d files: %lld ms; GUI thread gaps: %lld ticks, 99th percentile %lld ms, "
              "longest %lld ms",
              kManyFiles, walk.elapsed(), static_cast<qint64>(monitor.count()), p99,
              monitor.worstGapMs());
        QCOMPARE(scanned.first().at(0).toString(), QDir::cleanPath(m_many.path()));
        // The distribution shows work done on the GUI thread; the longest gap has a bound of
        // its own for a loaded machine keeping the thread off the CPU now and then.
        QVERIFY2(p99 < kTypicalGapMs,
                 qPrintable(QStringLiteral("1% of the GUI thread's gaps exceeded %1 ms").arg(p99)));
        QVERIFY2(monitor.worstGapMs() < kLongestGapMs,
                 qPrintable(QStringLiteral("the GUI thread stalled for %1 ms during the walk")
                                .arg(monitor.worstGapMs())));
    }

    // After the baseline walk of a big folder, one file more is still reported, once.
    void changeInABigFolderIsReported() {
        FolderWatcher watcher;
        watcher.setRescanIntervalMs(0);
        watcher.setQuietPeriodMs(200);
        QSignalSpy scanned(&watcher, &FolderWatcher::folderScanned);
        watcher.watch(QStringLiteral("Many"), m_many.path());
        QVERIFY(scanned.wait(kWalkTimeoutMs));
        QSignalSpy changed(&watcher, &FolderWatcher::folderChanged);
        const QString extra = QDir(m_many.path()).filePath(QStringLiteral("extra.txt"));
        write(extra, "one more\n");
        QVERIFY(changed.wait(kWalkTimeoutMs));
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("Many"));
        QCOMPARE(changed.first().at(1).toString(), QDir::cleanPath(m_many.path()));
        QVERIFY(QFile::remove(extra)); // back as it was for the other tests
        QVERIFY(changed.wait(kWalkTimeoutMs));
        QCOMPARE(changed.size(), 2);
    }

    // Destroying the watcher asks its walk to stop and does not wait for it; the walk's thread
    // then ends on its own without reaching the destroyed watcher (ASan would see it).
    void destroyedMidWalkReturnsAtOnce() {
        auto watcher = std::make_unique<FolderWatcher>();
        watcher->setRescanIntervalMs(0);
        QSignalSpy scanned(watcher.get(), &FolderWatcher::folderScanned);
        watcher->watch(QStringLiteral("Many"), m_many.path());
        QCOMPARE(FolderScanner::walksRunning(), 1);
        QElapsedTimer destroying;
        destroying.start();
        watcher.reset();
        const qint64 took = destroying.elapsed();
        QVERIFY2(took < kLongestGapMs,
                 qPrintable(QStringLiteral("destroying the watcher took %1 ms").arg(took)));
        QTRY_COMPARE_WITH_TIMEOUT(FolderScanner::walksRunning(), 0, kWalkTimeoutMs);
        QCOMPARE(scanned.size(), 0);
    }

    // A folder unwatched mid-walk is not reported; watched again, it gets a walk of its own.
    void unwatchedMidWalkIsForgotten() {
        FolderWatcher watcher;
        watcher.setRescanIntervalMs(0);
        QSignalSpy scanned(&watcher, &FolderWatcher::folderScanned);
        watcher.watch(QStringLiteral("Many"), m_many.path());
        watcher.unwatch(m_many.path());
        QVERIFY(watcher.roots().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(FolderScanner::walksRunning(), 0, kWalkTimeoutMs);
        QCoreApplication::processEvents(); // a result posted before the cancel is dropped
        QCOMPARE(scanned.size(), 0);
        watcher.watch(QStringLiteral("Many"), m_many.path());
        QVERIFY(scanned.wait(kWalkTimeoutMs));
        QCOMPARE(scanned.size(), 1);
    }

    // The walk itself stops at the next entry once asked.
    void walkStopsWhenAsked() {
        std::atomic<bool> stop{false};
        const FolderFingerprint whole = fingerprintFolder(m_many.path(), stop);
        QVERIFY(whole.complete);
        QVERIFY(!whole.hash.isEmpty());
        QCOMPARE(whole.dirs, QStringList{m_many.path()});
        stop.store(true);
        const FolderFingerprint stopped = fingerprintFolder(m_many.path(), stop);
        QVERIFY(!stopped.complete);
        QVERIFY(stopped.hash.isEmpty());
    }

private:
    QTemporaryDir m_many;
};

QTEST_GUILESS_MAIN(TestFolderWatcher)
#include "tst_folder_watcher.moc"
