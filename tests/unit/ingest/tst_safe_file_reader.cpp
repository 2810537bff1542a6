#include "core/ingest/platform_file.h"
#include "core/ingest/safe_file_reader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace quiver;
using State = SafeFileReader::State;

namespace {
void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}
} // namespace

class TestSafeFileReader : public QObject {
    Q_OBJECT
private slots:
    void readsARegularFile() {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("a.txt"));
        write(path, "hello");
        const FileStatus listed = PlatformFile::statusOf(path);
        QCOMPARE(listed.kind, FileStatus::Kind::Regular);
        const SafeFileReader::Result r = SafeFileReader::read(path, listed, 100);
        QCOMPARE(r.state, State::Read);
        QCOMPARE(r.bytes, QByteArray("hello"));
        QCOMPARE(r.status.size, 5);
        QVERIFY(r.status.sameFileAs(listed));
    }
    void refusesWhatIsNotThatRegularFile() {
        QTemporaryDir tmp;
        const QString a = tmp.filePath(QStringLiteral("a.txt"));
        const QString b = tmp.filePath(QStringLiteral("b.txt"));
        write(a, "aaa");
        write(b, QByteArray(200, 'b'));

        const SafeFileReader::Result missing =
            SafeFileReader::read(tmp.filePath(QStringLiteral("gone")), {}, 100);
        QCOMPARE(missing.state, State::Missing);
        QVERIFY(missing.reason.contains(QLatin1String("deleted")));

        const SafeFileReader::Result large = SafeFileReader::read(b, {}, 100);
        QCOMPARE(large.state, State::TooLarge);
        QVERIFY(large.deliberate());

        // The walk listed a; now another file is at its place.
        const SafeFileReader::Result replaced =
            SafeFileReader::read(b, PlatformFile::statusOf(a), 1000);
        QCOMPARE(replaced.state, State::Replaced);

        const QString link = tmp.filePath(QStringLiteral("link.txt"));
        QVERIFY(QFile::link(a, link));
        QCOMPARE(PlatformFile::statusOf(link).kind, FileStatus::Kind::SymbolicLink);
        const SafeFileReader::Result viaLink = SafeFileReader::read(link, {}, 100);
        QCOMPARE(viaLink.state, State::Unreadable);
        QVERIFY2(viaLink.reason.contains(QLatin1String("symbolic link")),
                 qPrintable(viaLink.reason));
        QVERIFY(viaLink.bytes.isEmpty());
    }
#ifdef Q_OS_UNIX
    void neverWaitsOnAPipeOrADevice() {
        QTemporaryDir tmp;
        const QString fifo = tmp.filePath(QStringLiteral("pipe"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QCOMPARE(PlatformFile::statusOf(fifo).kind, FileStatus::Kind::Fifo);
        // No writer: a blocking open would wait forever.
        const SafeFileReader::Result pipe = SafeFileReader::read(fifo, {}, 100);
        QCOMPARE(pipe.state, State::NotRegular);
        QVERIFY2(pipe.reason.contains(QLatin1String("named pipe")), qPrintable(pipe.reason));
        QVERIFY(pipe.deliberate());

        if (QFile::exists(QStringLiteral("/dev/zero"))) {
            const SafeFileReader::Result zero =
                SafeFileReader::read(QStringLiteral("/dev/zero"), {}, 1 << 20);
            QCOMPARE(zero.state, State::NotRegular);
            QVERIFY(zero.bytes.isEmpty());
        }
    }
    void seesAFileChangeWhileItIsRead() {
        // Files in /proc claim a size of 0 and then have content: what fstat says after the
        // read differs from what was read, as it does for a file still being written.
#ifndef Q_OS_LINUX
        QSKIP("needs Linux's /proc");
#endif
        const QString stat = QStringLiteral("/proc/self/stat");
        QCOMPARE(PlatformFile::statusOf(stat).kind, FileStatus::Kind::Regular);
        const SafeFileReader::Result r = SafeFileReader::read(stat, {}, 1 << 20);
        QCOMPARE(r.state, State::Changed);
        QVERIFY(r.reason.contains(QLatin1String("changed while it was being read")));
    }
#endif
    void stopsWhenCancelled() {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("a.txt"));
        write(path, "hello");
        const std::atomic<bool> cancelled{true};
        QCOMPARE(SafeFileReader::read(path, {}, 100, &cancelled).state, State::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestSafeFileReader)
#include "tst_safe_file_reader.moc"
