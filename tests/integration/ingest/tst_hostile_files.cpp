// Real parts: the importer (reader threads, walker, every format reader) against the PostgreSQL
// server of the ctest fixture, on a folder of hostile files made on the spot next to good ones.

#include "core/ingest/importer.h"
#include "import_test_support.h"
#include "tests/harness/ingest_fixtures.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace quiver;
using namespace quiver::test;
namespace fx = quiver::test::fixtures;
using Outcome = ImportFileResult::Outcome;

namespace {

const QByteArray kSecret = "OUTSIDE-SECRET-a81f3c";

// The most memory this process has held (VmHWM), in bytes; -1 where /proc is missing.
qint64 peakResidentBytes() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

QByteArray billionLaughs(const QByteArray& root, const QByteArray& namespaces) {
    QByteArray dtd = "<!ENTITY l0 \"lol\">";
    for (int i = 1; i <= 9; ++i) {
        dtd += "<!ENTITY l" + QByteArray::number(i) + " \"";
        for (int k = 0; k < 10; ++k)
            dtd += "&l" + QByteArray::number(i - 1) + ";";
        dtd += "\">";
    }
    return "<?xml version=\"1.0\"?><!DOCTYPE " + root + " [" + dtd + "]><" + root + " " +
           namespaces + ">&l9;</" + root + ">";
}

} // namespace

class TestHostileFiles : public QObject {
    Q_OBJECT
private slots:
    void hostileFolderImportsSafely();
};

void TestHostileFiles::hostileFolderImportsSafely() {
    ImportDatabase db;
    QTemporaryDir outside;
    const QString secret = outside.filePath(QStringLiteral("private.txt"));
    QVERIFY(fx::writeFile(secret, "This private note must stay on this disk: " + kSecret));
    QTemporaryDir tmp;
    const QDir dir(tmp.path() + QStringLiteral("/Hostile"));
    QVERIFY(QDir().mkpath(dir.path()));
    // name -> what must become of it (Imported, or refused with a reason; Removed stands for
    // "any outcome" here, since nothing is removed by this import).
    QHash<QString, Outcome> expected;
    const auto put = [&](const QString& name, const QByteArray& bytes, Outcome outcome) {
        QVERIFY(fx::writeFile(dir.filePath(name), bytes));
        expected.insert(dir.filePath(name), outcome);
    };

    // Good files.
    put(QStringLiteral("good.txt"), "Lighthouse keepers trim the wick at dusk.\n",
        Outcome::Imported);
    put(QStringLiteral("good.md"), "# Tides\n\nThe tide tables are *printed* weekly.\n",
        Outcome::Imported);
    put(QStringLiteral("good.docx"), fx::docx({QStringLiteral("Harbour dues are paid in May.")}),
        Outcome::Imported);
    put(QStringLiteral("entities.html"),
        "<html><head><title>Caf&eacute;</title></head><body><p>Espa&ntilde;a, "
        "gar&ccedil;on, &Auml;rger &#8364; &#x263A;</p></body></html>",
        Outcome::Imported);
    put(QStringLiteral("newline\nname.txt"), "A file whose name holds a newline.\n",
        Outcome::Imported);

    // Hostile ones that are read, within bounds.
    put(QStringLiteral("ampersands.html"),
        "<html><body><p>" + QByteArray(3 * 1024 * 1024, '&') + "</p></body></html>",
        Outcome::Imported);
    put(QStringLiteral("nested.html"),
        "<html><body>" + QByteArray("<div>").repeated(100'000) + "deep</body></html>",
        Outcome::Imported);
    put(QStringLiteral("spaces.odt"),
        fx::odtBody("<office:text><text:p>before<text:s text:c=\"2147483647\"/>after</text:p>"
                    "</office:text>"),
        Outcome::Imported);
    put(QStringLiteral("nested.md"),
        QByteArray("> ").repeated(10'000) + "quoted\n" + QByteArray("lazy\n").repeated(10'000),
        Outcome::Imported);
    put(QStringLiteral("brackets.md"), QByteArray("![[]()").repeated(40'000) + "\n",
        Outcome::Imported);

    // Hostile ones that are refused, each with a reason.
    put(QStringLiteral("bomb.docx"), fx::docxBomb(300), Outcome::Failed);
    put(QStringLiteral("laughs.docx"),
        fx::docxDocumentXml(billionLaughs(
            "w:document", "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
                          "main\"")),
        Outcome::Failed);
    put(QStringLiteral("laughs.odt"),
        fx::zip({{QStringLiteral("mimetype"), "application/vnd.oasis.opendocument.text"},
                 {QStringLiteral("content.xml"),
                  billionLaughs("office:document-content",
                                "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:"
                                "1.0\"")}}),
        Outcome::Failed);
    put(QStringLiteral("hugepage.pdf"), fx::hugePagePdf(14400, 14400), Outcome::Failed);
    put(QStringLiteral("invalid-utf8.txt"), "caf\xc3\xa9 \xc3\x28 and more\n", Outcome::Failed);
    put(QStringLiteral("nul-bytes.txt"), QByteArray("text\0with\0nul\0bytes\0", 21),
        Outcome::Skipped);
    {
        // UTF-16 with a byte-order mark and a lone surrogate, and an odd byte at the end.
        QByteArray utf16("\xff\xfe", 2);
        for (const char16_t c : u"Lone \xd800 surrogate")
            utf16 += QByteArray(reinterpret_cast<const char*>(&c), 2);
        utf16 += 'x';
        QVERIFY(fx::writeFile(dir.filePath(QStringLiteral("odd-utf16.txt")), utf16));
        // Read with replacement characters or refused: either way with an outcome.
        expected.insert(dir.filePath(QStringLiteral("odd-utf16.txt")), Outcome::Removed);
    }
    {
        QFile sparse(dir.filePath(QStringLiteral("sparse.bin")));
        QVERIFY(sparse.open(QIODevice::WriteOnly));
        QVERIFY(sparse.resize(2LL * 1024 * 1024 * 1024)); // 2 GiB, no blocks written
        expected.insert(sparse.fileName(), Outcome::Skipped);
    }
    QVERIFY(QFile::link(secret, dir.filePath(QStringLiteral("link-to-private.txt"))));
    expected.insert(dir.filePath(QStringLiteral("link-to-private.txt")), Outcome::Skipped);
    QStringList roots{dir.path()};
#ifdef Q_OS_UNIX
    QCOMPARE(::mkfifo(QFile::encodeName(dir.filePath(QStringLiteral("pipe"))).constData(), 0600),
             0);
    expected.insert(dir.filePath(QStringLiteral("pipe")), Outcome::Skipped);
    // A FIFO given as a root of its own.
    const QString pipeRoot = tmp.filePath(QStringLiteral("pipe-root"));
    QCOMPARE(::mkfifo(QFile::encodeName(pipeRoot).constData(), 0600), 0);
    roots.append(pipeRoot);
    expected.insert(pipeRoot, Outcome::Skipped);
#endif

    // The import runs on a thread of its own, so that a hang is a failed wait, not a hung test.
    ImportRun run;
    std::atomic<bool> done{false};
    Importer importer(db.conn, ImportSettings());
    importer.onFile = [&run](const ImportFileResult& r) { run.files.append(r); };
    std::thread worker([&]() {
        run.summary = importer.run({roots, {}});
        done.store(true);
    });
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 240'000);
    worker.join();

    // Every file ended once, the good ones in, every refusal with a reason.
    QStringList problems;
    for (auto it = expected.constBegin(); it != expected.constEnd(); ++it) {
        const ImportFileResult r = run.get(it.key());
        const bool anyOutcome = it.value() == Outcome::Removed && r.outcome != Outcome::Removed;
        if ((r.outcome != it.value() && !anyOutcome) ||
            (r.outcome != Outcome::Imported && r.reason.isEmpty()))
            problems.append(QStringLiteral("%1: %2 (%3)")
                                .arg(it.key(), ImportFileResult::outcomeName(r.outcome), r.reason));
    }
    for (const ImportFileResult& r : std::as_const(run.files))
        qInfo("%s", qPrintable(r.describe().replace(QLatin1Char('\n'), QLatin1String("\\n"))));
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    QCOMPARE(run.files.size(), expected.size());
    const auto reasonOf = [&](const QString& name) { return run.get(dir.filePath(name)).reason; };
    QVERIFY(reasonOf(QStringLiteral("bomb.docx")).contains(QLatin1String("zip bomb")));
    QVERIFY(reasonOf(QStringLiteral("laughs.docx")).contains(QLatin1String("entities")));
    QVERIFY(reasonOf(QStringLiteral("link-to-private.txt")).contains(QLatin1String("outside")));
    QVERIFY(reasonOf(QStringLiteral("sparse.bin")).contains(QLatin1String("larger than")));
    QVERIFY(run.get(dir.filePath(QStringLiteral("nested.md")))
                .warning.contains(QLatin1String("plain text")));

    // What was read is what the files say.
    const auto textOf = [&](const QString& name) {
        return db.conn
            .exec(QStringLiteral("SELECT string_agg(c.text, ' ' ORDER BY c.ordinal) FROM "
                                 "quiver.chunks c JOIN quiver.documents d ON d.id = "
                                 "c.document_id WHERE d.path = $1"),
                  {dir.filePath(name)})
            .text(0, 0);
    };
    QVERIFY(textOf(QStringLiteral("entities.html"))
                .contains(QStringLiteral("Espa\u00f1a, gar\u00e7on, \u00c4rger \u20ac \u263a")));
    QVERIFY(textOf(QStringLiteral("spaces.odt"))
                .contains(QStringLiteral("before") + QString(1000, QLatin1Char(' ')) +
                          QStringLiteral("after")));
    QVERIFY(textOf(QStringLiteral("nested.html")).contains(QLatin1String("deep")));
    QVERIFY(textOf(QStringLiteral("newline\nname.txt")).contains(QLatin1String("newline")));

    // Nothing from outside the folder reached the database, in any column.
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE strpos(text, $1) "
                                     "> 0"),
                      {QString::fromLatin1(kSecret)}),
             0);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents d WHERE "
                                     "strpos(d::text, $1) > 0"),
                      {QString::fromLatin1(kSecret)}),
             0);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents WHERE path = $1"),
                      {QFileInfo(secret).canonicalFilePath()}),
             0);

    // Bounded memory: the bomb, the bitmaps and the parsers together stayed under 1 GiB.
    const qint64 peak = peakResidentBytes();
    qInfo("peak resident memory: %lld MiB", peak / (1024 * 1024));
    if (peak >= 0)
        QVERIFY2(peak < 1024LL * 1024 * 1024, qPrintable(QString::number(peak)));
}

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
