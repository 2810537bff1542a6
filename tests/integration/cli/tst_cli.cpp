// quiver-cli from the outside, against the real PostgreSQL server of the test fixture.
#include "core/db/migrations.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using quiver::test::runCli;
using quiver::test::TestPostgres;

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void versionAndHelp();
#ifdef QUIVER_TEST_GUI_BINARY
    void guiAnswersVersionAndHelpWithoutDisplay();
#endif
    void wrongUsageExitsTwo();
    void dbStatusJson();
    void dbStatusText();
    void dbStatusFromEnvironment();
    void unreachableServerFailsWithoutLeakingPassword();
    void everyCommandIsAvailable();
};

void TestCli::versionAndHelp() {
    const auto v = runCli({QStringLiteral("--version")});
    QCOMPARE(v.exitCode, 0);
    QVERIFY(v.out.startsWith("quiver-cli 0."));
    const auto h = runCli({QStringLiteral("--help")});
    QCOMPARE(h.exitCode, 0);
    QVERIFY(h.out.contains("db status"));
    QVERIFY(h.out.contains("search TEXT"));
}

#ifdef QUIVER_TEST_GUI_BINARY
// The GUI binary answers these before it needs a display.
void TestCli::guiAnswersVersionAndHelpWithoutDisplay() {
    auto env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    const QString gui = qEnvironmentVariable("QUIVER_BINARY_DIR") + QStringLiteral("/app/quiver");
    for (const QString& arg : {QStringLiteral("--version"), QStringLiteral("--help")}) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(gui, {arg});
        QVERIFY2(p.waitForFinished(30000), qPrintable(p.errorString()));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(arg == QLatin1String("--version") ? out.startsWith("quiver 0.")
                                                   : out.contains("--db CONNINFO"),
                 out.constData());
    }
}
#endif

void TestCli::wrongUsageExitsTwo() {
    QCOMPARE(runCli({}).exitCode, 2);
    const auto unknown = runCli({QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
    QCOMPARE(
        runCli({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--db")}).exitCode,
        2);
    QCOMPARE(runCli({QStringLiteral("db"), QStringLiteral("explode")}).exitCode, 2);
}

void TestCli::dbStatusJson() {
    const QString db = TestPostgres::instance().createDatabase(QStringLiteral("cli_json"));
    const auto r = runCli({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--json"),
                           QStringLiteral("--db"), db});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonParseError perr;
    const QJsonObject o = QJsonDocument::fromJson(r.out, &perr).object();
    QCOMPARE(perr.error, QJsonParseError::NoError);
    QVERIFY(o.value(QStringLiteral("server_version")).toString().contains(QStringLiteral("15")));
    QCOMPARE(o.value(QStringLiteral("schema_version")).toInt(),
             quiver::Migrations::latestVersion());
    QCOMPARE(o.value(QStringLiteral("documents")).toInt(-1), 0);
    QCOMPARE(o.value(QStringLiteral("chunks")).toInt(-1), 0);
    QCOMPARE(o.value(QStringLiteral("embeddings")).toInt(-1), 0);
    TestPostgres::instance().dropDatabase(db);
}

void TestCli::dbStatusText() {
    const QString db = TestPostgres::instance().createDatabase(QStringLiteral("cli_text"));
    // --db may stand after the command words, as --db=VALUE too.
    const auto r =
        runCli({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--db=") + db});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("Server:"));
    const QString text = QString::fromUtf8(r.out);
    QVERIFY2(
        text.contains(QRegularExpression(
            QStringLiteral("Schema version:\\s+%1 ").arg(quiver::Migrations::latestVersion()))),
        r.out.constData());
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("Documents:\\s+0\\n"))),
             r.out.constData());
    TestPostgres::instance().dropDatabase(db);
}

void TestCli::dbStatusFromEnvironment() {
    const QString db = TestPostgres::instance().createDatabase(QStringLiteral("cli_env"));
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QUIVER_DB"), db);
    const auto r =
        runCli({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("status")}, env);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("schema_version")).toInt(),
             quiver::Migrations::latestVersion());
    TestPostgres::instance().dropDatabase(db);
}

void TestCli::unreachableServerFailsWithoutLeakingPassword() {
    // Port 1 on loopback: nothing listens there.
    const auto r =
        runCli({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--db"),
                QStringLiteral("host=127.0.0.1 port=1 user=alice password=hunter2-secret "
                               "dbname=quiver connect_timeout=5")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains("127.0.0.1"), r.err.constData());
    QVERIFY2(!r.err.contains("hunter2-secret"), r.err.constData());
}

void TestCli::everyCommandIsAvailable() {
    // Each command of the help text answers its own usage, never "not yet available".
    for (const char* command :
         {"import", "profile", "key", "embed", "worker", "jobs", "index", "search"}) {
        const auto r = runCli({QString::fromLatin1(command), QStringLiteral("--no-such-option")});
        QVERIFY2(!r.err.contains("not yet available"), command);
        QVERIFY2(r.exitCode == 1 || r.exitCode == 2, command);
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
