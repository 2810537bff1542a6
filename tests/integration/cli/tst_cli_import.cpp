#include "cli_runner.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "tests/harness/test_postgres.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace quiver;
using namespace quiver::test;

namespace {
void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}
QProcessEnvironment cleanEnv(const QString& home) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QUIVER_DB"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    return env;
}
} // namespace

class TestCliImport : public QObject {
    Q_OBJECT
private slots:
    void importPrintsALinePerFileAndExitsByOutcome();
    void jsonIsOneObjectPerFile();
    void fillsTheKeywordIndexUnlessAsked();
    void usageErrors();
    void fileNamesCannotDriveTheTerminal();
};

void TestCliImport::importPrintsALinePerFileAndExitsByOutcome() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("cliimport"));
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("Notes"));
    QVERIFY(QDir().mkpath(dir));
    write(dir + QStringLiteral("/a.txt"), "Alpha text file.");
    write(dir + QStringLiteral("/b.md"), "# Beta\n\nMarkdown file.");
    write(dir + QStringLiteral("/empty.txt"), "");
    const auto env = cleanEnv(tmp.filePath(QStringLiteral("home")));

    // Imported or deliberately skipped only: exit 0.
    auto r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("import"), dir}, env);
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(dir + QStringLiteral("/a.txt: imported as text")), qPrintable(out));
    QVERIFY(out.contains(dir + QStringLiteral("/b.md: imported as markdown")));
    QVERIFY(out.contains(dir + QStringLiteral("/empty.txt: skipped: empty file")));
    QVERIFY(out.contains(QLatin1String("2 imported, 0 unchanged, 1 skipped, 0 failed")));

    // Re-import: unchanged.
    r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("import"), dir}, env);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QString::fromUtf8(r.out).contains(QLatin1String("0 imported, 2 unchanged")));

    // A file that fails: exit 1, the rest still imported, the failure named on its line.
    write(dir + QStringLiteral("/c.txt"), "Gamma.");
    write(dir + QStringLiteral("/broken.docx"), "not a zip");
    r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("import"), dir,
                QStringLiteral("--collection"), QStringLiteral("Other")},
               env);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(QString::fromUtf8(r.out).contains(
        dir + QStringLiteral("/broken.docx: failed: not a valid .docx file")));
    PgConnection conn = PgConnection::open(conninfo);
    QCOMPARE(conn.exec(QStringLiteral(
                           "SELECT count(*) FROM quiver.documents d JOIN quiver.collections c "
                           "ON c.id = d.collection_id WHERE c.name = 'Other'"))
                 .toInt64(0, 0),
             3);
    conn = PgConnection();
    TestPostgres::instance().dropDatabase(conninfo);
}

void TestCliImport::jsonIsOneObjectPerFile() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("clijson"));
    QTemporaryDir tmp;
    write(tmp.filePath(QStringLiteral("one.txt")), "One.");
    write(tmp.filePath(QStringLiteral("two.txt")), "Two.");
    const auto r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("--json"),
                           QStringLiteral("import"), tmp.filePath(QStringLiteral("one.txt")),
                           tmp.filePath(QStringLiteral("two.txt"))},
                          cleanEnv(tmp.filePath(QStringLiteral("home"))));
    QCOMPARE(r.exitCode, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    for (const QByteArray& line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("imported"));
        QCOMPARE(o.value(QStringLiteral("collection")).toString(), QStringLiteral("Inbox"));
        QCOMPARE(o.value(QStringLiteral("chunks")).toInt(), 1);
        QVERIFY(o.value(QStringLiteral("document_id")).toInteger() > 0);
    }
    TestPostgres::instance().dropDatabase(conninfo);
}

// The command brings this machine's keyword index up to date before it returns (with
// --no-text-index it leaves that to the next search), including what an earlier import left.
void TestCliImport::fillsTheKeywordIndexUnlessAsked() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("clitsv"));
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("Docs"));
    QVERIFY(QDir().mkpath(dir));
    for (int i = 0; i < 3; ++i)
        write(dir + QStringLiteral("/n%1.txt").arg(i),
              QByteArray("Lighthouse keepers log the weather. ").repeated(60 + i));
    const QString home = tmp.filePath(QStringLiteral("home"));
    const auto env = cleanEnv(home);
    const auto indexFiles = [&home]() {
        return QDir(home + QStringLiteral("/.cache/Quiver/indexes"))
            .entryList({QStringLiteral("*.qkw")}, QDir::Files);
    };
    const auto total = [&conninfo]() {
        PgConnection c = PgConnection::open(conninfo);
        return c.exec(QStringLiteral("SELECT count(*) FROM quiver.chunks")).toInt64(0, 0);
    };

    auto r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("import"), dir,
                     QStringLiteral("--no-text-index")},
                    env);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!QString::fromUtf8(r.out).contains(QLatin1String("keyword index")));
    QVERIFY(indexFiles().isEmpty());
    const qint64 first = total();
    QVERIFY(first >= 3);

    write(tmp.filePath(QStringLiteral("loose.txt")), "A loose note about keepers.");
    r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("import"),
                tmp.filePath(QStringLiteral("loose.txt"))},
               env);
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(QStringLiteral("keyword index up to date: %1 chunks").arg(first + 1)),
             qPrintable(out));
    QCOMPARE(indexFiles().size(), 1);
    // The next search reads it: every Docs chunk holds "lighthouse" ("keepers" would also
    // find the loose note).
    r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("--json"),
                QStringLiteral("search"), QStringLiteral("lighthouses"), QStringLiteral("--mode"),
                QStringLiteral("keyword"), QStringLiteral("-k"), QStringLiteral("100")},
               env);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.count('\n'), first);
    TestPostgres::instance().dropDatabase(conninfo);
}

void TestCliImport::usageErrors() {
    QTemporaryDir tmp;
    const auto env = cleanEnv(tmp.filePath(QStringLiteral("home")));
    auto r = runCli({QStringLiteral("import")}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("no file or folder to import"));
    r = runCli({QStringLiteral("import"), QStringLiteral("x"), QStringLiteral("--chunk-tokens"),
                QStringLiteral("zero")},
               env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("--chunk-tokens must be a positive whole number"));
    r = runCli({QStringLiteral("import"), QStringLiteral("x"), QStringLiteral("--bogus")}, env);
    QCOMPARE(r.exitCode, 2);
}

// A file name with a newline, an escape sequence and a bidi override is printed escaped: one
// line per file, nothing the terminal would act on.
void TestCliImport::fileNamesCannotDriveTheTerminal() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("cliesc"));
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("Odd"));
    QVERIFY(QDir().mkpath(dir));
    const QString name = QStringLiteral("evil\nfake.txt: imported\x1b[2J\u202ertl.txt");
    write(dir + QLatin1Char('/') + name, "Some text in an oddly named file.");
    const auto r = runCli({QStringLiteral("--db"), conninfo, QStringLiteral("import"), dir},
                          cleanEnv(tmp.filePath(QStringLiteral("home"))));
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(dir + QStringLiteral("/evil\\nfake.txt: imported\\x1b[2J\\u202ertl.txt: "
                                               "imported as text")),
             qPrintable(out));
    QVERIFY(!r.out.contains('\x1b'));
    QVERIFY(!out.contains(QChar(0x202e)));
    // The file's line and the summary: no line of its own for the name's second half.
    QCOMPARE(out.trimmed().split(QLatin1Char('\n')).filter(QLatin1String("fake.txt")).size(), 1);
    TestPostgres::instance().dropDatabase(conninfo);
}

QTEST_MAIN(TestCliImport)
#include "tst_cli_import.moc"
