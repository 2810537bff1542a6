// Real parts: the importer, its quiver-reader helpers (the program of this build) and the
// PostgreSQL server of the ctest fixture. Test files whose first line is
// ReaderService::kTestHookPrefix make a helper crash, hang or exhaust its memory; the helper
// honours them only because this test sets QUIVER_READER_TEST_HOOKS.

#include "core/ingest/importer.h"
#include "core/ingest/reader_sandbox.h"
#include "core/ingest/reader_service.h"
#include "import_test_support.h"
#include "tests/harness/ingest_fixtures.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>
#include <unistd.h>

using namespace quiver;
using namespace quiver::test;
namespace fx = quiver::test::fixtures;
using Outcome = ImportFileResult::Outcome;

namespace {

QByteArray hook(const char* what) {
    return QByteArray(ReaderService::kTestHookPrefix) + what + "\n";
}

// The quiver-reader processes this process started and has not reaped yet.
QList<qint64> readerChildren() {
    QList<qint64> found;
    const QString self = QString::number(::getpid());
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        if (!number)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        const qsizetype open = line.indexOf('(');
        if (open < 0 || close < open)
            continue;
        const QList<QByteArray> rest = line.mid(close + 2).split(' ');
        if (line.mid(open + 1, close - open - 1) == "quiver-reader" &&
            QString::fromLatin1(rest.value(1)) == self)
            found.append(pid);
    }
    return found;
}

} // namespace

class TestReaderIsolation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("QUIVER_READER_TEST_HOOKS", "1"); }
    void badFilesFailAloneWithAReason();
    void cancelKillsTheHelpers();
};

void TestReaderIsolation::badFilesFailAloneWithAReason() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QDir dir(tmp.path() + QStringLiteral("/Mixed"));
    QVERIFY(QDir().mkpath(dir.path()));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("good.txt")),
                          "Herons stand still in the shallows.\n"));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("good.pdf")),
                          fx::pdf({QStringLiteral("Egrets nest in colonies."),
                                   QStringLiteral("Bitterns boom at night.")})));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("good.docx")),
                          fx::docx({QStringLiteral("Storks return in spring.")})));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("crash.txt")), hook("crash")));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("hang.txt")), hook("hang")));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("allocate.txt")), hook("allocate")));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("garbage.txt")), hook("garbage")));
    QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("zlast.txt")),
                          "Cranes dance before they pair.\n"));

    ImportSettings settings;
    settings.maxReadSeconds = 1; // the hang is stopped a few seconds in
    settings.readerMemoryMiB = 256;
    settings.readerThreads = 2;
    settings.ocrEnabled = false;
    const ImportRun run = runImport(db.conn, {dir.path()}, settings);

    for (const char* good : {"good.txt", "good.pdf", "good.docx", "zlast.txt"}) {
        const ImportFileResult r = run.get(dir.filePath(QLatin1String(good)));
        QVERIFY2(r.outcome == Outcome::Imported, qPrintable(r.describe()));
    }
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 4);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE strpos(text, "
                                     "'Bitterns') > 0")),
             1);

    const auto failed = [&](const char* name, const QString& start) {
        const ImportFileResult r = run.get(dir.filePath(QLatin1String(name)));
        if (r.outcome != Outcome::Failed || !r.reason.startsWith(start))
            return QStringLiteral("%1: %2").arg(QLatin1String(name), r.describe());
        return QString();
    };
    QStringList problems{
        failed("crash.txt", QStringLiteral("the PDF reader crashed on page 3 (")),
        failed("hang.txt", QStringLiteral("reading it took longer than its 1 s limit: the PDF "
                                          "reader stopped responding on page 3")),
        failed("garbage.txt", QStringLiteral("the PDF reader sent back a malformed document")),
        failed("allocate.txt", ReaderSandbox::memoryLimitSupported()
                                   ? QStringLiteral("the PDF reader exceeded its 256 MiB memory "
                                                    "limit on page 3")
                                   : QStringLiteral("no memory limit in force to exceed"))};
    problems.removeAll(QString());
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    QCOMPARE(run.files.size(), 8);
    // Every helper went with its thread.
    QCOMPARE(readerChildren(), QList<qint64>());
}

void TestReaderIsolation::cancelKillsTheHelpers() {
    ImportDatabase db;
    QTemporaryDir tmp;
    QVERIFY(fx::writeFile(tmp.filePath(QStringLiteral("hang.txt")), hook("hang")));
    ImportSettings settings;
    settings.maxReadSeconds = 600; // only the cancel ends this import within the test's wait
    settings.readerThreads = 1;
    Importer importer(db.conn, settings);
    QList<ImportFileResult> files;
    importer.onFile = [&files](const ImportFileResult& r) { files.append(r); };
    std::atomic<bool> done{false};
    std::thread worker([&]() {
        importer.run({{tmp.path()}, {}});
        done.store(true);
    });
    QTRY_VERIFY_WITH_TIMEOUT(!readerChildren().isEmpty(), 60'000);
    const QList<qint64> helpers = readerChildren();
    importer.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 120'000);
    worker.join();
    QCOMPARE(readerChildren(), QList<qint64>());
    for (const qint64 pid : helpers)
        QVERIFY(!QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid)));
    for (const ImportFileResult& r : std::as_const(files))
        QVERIFY2(r.outcome != Outcome::Imported, qPrintable(r.describe()));
}

QTEST_MAIN(TestReaderIsolation)
#include "tst_reader_isolation.moc"
