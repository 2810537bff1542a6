#include "core/ingest/folder_watcher.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace quiver;

namespace {
void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Append));
    f.write(bytes);
}
} // namespace

class TestFolderWatcher : public QObject {
    Q_OBJECT
private slots:
    void reportsOnceAfterWritesSettle() {
        QTemporaryDir tmp;
        QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("sub"))));
        FolderWatcher watcher;
        watcher.setRescanIntervalMs(0);
        watcher.setQuietPeriodMs(400);
        watcher.watch(QStringLiteral("Notes"), tmp.path());
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
        watcher.watch(QStringLiteral("Share"), tmp.path());
        QSignalSpy changed(&watcher, &FolderWatcher::folderChanged);
        write(tmp.filePath(QStringLiteral("new.txt")), "hello");
        QVERIFY(changed.wait(5000));
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("Share"));
        // Nothing more changes: no more reports.
        QVERIFY(!changed.wait(700));
    }
};

QTEST_GUILESS_MAIN(TestFolderWatcher)
#include "tst_folder_watcher.moc"
