// An API key lives only in the keychain and, in flight, in the Authorization header. Real parts:
// gnome-keyring in a private D-Bus session (tests/harness/with_keychain.sh), the PostgreSQL
// server of the ctest fixture, quiver-cli as a process, and a fake embeddings server that
// refuses any other key. The key is stored with `key set` and used by `embed --profile`; then a
// pg_dump of the database, every file under HOME, all output of every process and the command
// line of every process are searched for it.
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/test_postgres.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::TestPostgres;

namespace {

struct Observed {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QByteArray cmdline; // /proc/<pid>/cmdline while it ran (empty if it had already ended)
    QByteArray environ; // /proc/<pid>/environ while it ran
};

QByteArray readProc(qint64 pid, const char* what) {
    QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(what)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Runs quiver-cli, reads its /proc entries as soon as it runs, then feeds stdin.
Observed run(const QStringList& args, const QByteArray& input = {}) {
    QProcess p;
    p.start(qEnvironmentVariable("QUIVER_BINARY_DIR") + QStringLiteral("/app/quiver-cli"), args);
    Observed o;
    if (!p.waitForStarted(10000))
        return o;
    // The process counts as started when exec() has closed its descriptors, a moment before
    // the kernel publishes the new command line and environment: read them once they are there.
    QElapsedTimer waited;
    waited.start();
    do {
        o.cmdline = readProc(p.processId(), "cmdline");
        if (o.cmdline.contains("quiver-cli"))
            break;
    } while (!p.waitForFinished(5) && waited.elapsed() < 10000);
    o.environ = readProc(p.processId(), "environ");
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
    }
    o.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = p.readAllStandardOutput();
    o.err = p.readAllStandardError();
    return o;
}

} // namespace

class TestSecurityApiKey : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void keyTravelsOnlyToTheServer();

private:
    QByteArray m_key;
    QString m_db;
    QList<Observed> m_runs;
};

void TestSecurityApiKey::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    m_key = "sk-quiver-test-" + QByteArray::number(QRandomGenerator::system()->generate64(), 16) +
            QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    m_db = TestPostgres::instance().createDatabase(QStringLiteral("security"));
}

void TestSecurityApiKey::cleanupTestCase() {
    TestPostgres::instance().dropDatabase(m_db);
}

void TestSecurityApiKey::keyTravelsOnlyToTheServer() {
    FakeEmbeddingsConfig c;
    c.requiredKey = QString::fromLatin1(m_key);
    c.dimensions = 12;
    c.latencyMs = 500; // a client that talks to the server still runs when /proc is read
    FakeEmbeddingsServer server(c);
    const QStringList db{QStringLiteral("--db"), m_db};

    m_runs << run(QStringList{QStringLiteral("profile"), QStringLiteral("add"),
                              QStringLiteral("secure"), QStringLiteral("--kind"),
                              QStringLiteral("openai-compatible"), QStringLiteral("--base-url"),
                              server.baseUrl(), QStringLiteral("--model"),
                              QStringLiteral("fake-model"), QStringLiteral("--dimensions"),
                              QStringLiteral("12")} +
                  db);
    QVERIFY2(m_runs.last().exitCode == 0, m_runs.last().err.constData());

    // Before a key is stored the server refuses, and says so without the key being involved.
    m_runs << run(QStringList{QStringLiteral("embed"), QStringLiteral("first try"),
                              QStringLiteral("--profile"), QStringLiteral("secure")} +
                  db);
    QCOMPARE(m_runs.last().exitCode, 1);
    QVERIFY2(m_runs.last().err.contains("401"), m_runs.last().err.constData());
    QVERIFY(m_runs.last().err.contains("key set secure"));

    m_runs << run(
        QStringList{QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("secure")} + db,
        m_key + '\n');
    QVERIFY2(m_runs.last().exitCode == 0, m_runs.last().err.constData());

    m_runs << run(QStringList{QStringLiteral("key"), QStringLiteral("status"),
                              QStringLiteral("secure"), QStringLiteral("--json")} +
                  db);
    QVERIFY2(m_runs.last().exitCode == 0, m_runs.last().err.constData());
    QVERIFY(QJsonDocument::fromJson(m_runs.last().out)
                .object()
                .value(QStringLiteral("stored"))
                .toBool());

    const int before = server.stats().requests;
    m_runs << run(QStringList{QStringLiteral("embed"), QStringLiteral("a secret-free sentence"),
                              QStringLiteral("--profile"), QStringLiteral("secure"),
                              QStringLiteral("--json")} +
                  db);
    QVERIFY2(m_runs.last().exitCode == 0, m_runs.last().err.constData());
    const QJsonArray v = QJsonDocument::fromJson(m_runs.last().out)
                             .object()
                             .value(QStringLiteral("embedding"))
                             .toArray();
    QCOMPARE(v.size(), 12);
    const auto expected =
        FakeEmbeddingsServer::vectorFor(QStringLiteral("a secret-free sentence"), 12);
    QVERIFY(std::abs(v[0].toDouble() - static_cast<double>(expected[0])) < 1e-6);

    // The server saw the key, in the Authorization header of the embed request.
    const auto stats = server.stats();
    QCOMPARE(stats.requests, before + 1);
    QCOMPARE(stats.authorizations.last(), "Bearer " + m_key);

    // Nowhere else: no process printed it or had it on its command line or in its environment.
    // key set waits for its standard input and embed for the server, so those two were surely
    // read while running; a quick command may already have ended.
    QVERIFY(m_runs[1].cmdline.contains("embed"));
    QVERIFY(m_runs[2].cmdline.contains("key"));
    QVERIFY(m_runs[4].cmdline.contains("embed"));
    for (const Observed& o : std::as_const(m_runs)) {
        QVERIFY2(!o.cmdline.contains(m_key), o.cmdline.constData());
        QVERIFY(!o.environ.contains(m_key));
        QVERIFY2(!o.out.contains(m_key), o.out.constData());
        QVERIFY2(!o.err.contains(m_key), o.err.constData());
    }

    // Not in the database.
    QProcess dump;
    dump.start(TestPostgres::instance().binDir() + QStringLiteral("/pg_dump"),
               {QStringLiteral("--dbname"), m_db});
    QVERIFY(dump.waitForFinished(60000));
    QCOMPARE(dump.exitCode(), 0);
    const QByteArray sql = dump.readAllStandardOutput();
    QVERIFY(sql.contains("embedding_profiles"));
    QVERIFY(sql.contains("secure")); // the dump holds the profile ...
    QVERIFY(!sql.contains(m_key));   // ... and not its key

    // Not in any file under HOME (settings, data, cache; the keyring's own file is encrypted).
    const QString home = qEnvironmentVariable("HOME");
    QVERIFY(home.startsWith(QStringLiteral("/tmp/")));
    int files = 0;
    for (QDirIterator it(home, QDir::Files | QDir::Hidden | QDir::System,
                         QDirIterator::Subdirectories);
         it.hasNext();) {
        QFile f(it.next());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        ++files;
        QVERIFY2(!f.readAll().contains(m_key), qPrintable(f.fileName()));
    }
    QVERIFY(files > 0); // at least the keyring file was searched
}

QTEST_GUILESS_MAIN(TestSecurityApiKey)
#include "tst_security_api_key.moc"
