// Where an API key may go, from the outside: quiver-cli as a process, a real Secret Service
// (tests/harness/with_keychain.sh, which also gives the processes a HOME of their own, where this
// machine's approvals live), the PostgreSQL server of the ctest fixture changed behind Quiver's
// back by SQL, and fake embeddings servers on loopback that record every Authorization header.
// The database is shared and not trusted: a profile it points elsewhere gets no key until the
// user approves the new address here; plain http:// to another machine never gets one; and
// QUIVER_API_KEY serves only the profile named next to it.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/jobs/jobs_test_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using quiver::PgConnection;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::TestPostgres;

namespace {

const QByteArray kKey = "sk-origin-test-key-5a7f0c21d9e4";

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QString originOf(const FakeEmbeddingsServer& server) {
    return QStringLiteral("http://127.0.0.1:%1").arg(server.port());
}

bool noKeyReached(const FakeEmbeddingsServer& server) {
    for (const QByteArray& auth : server.stats().authorizations) {
        if (!auth.isEmpty())
            return false;
    }
    return true;
}

} // namespace

class TestKeyOrigin : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void profileMovedInTheDatabaseGetsNoKeyUntilApproved();
    void plainHttpToAnotherMachineGetsNoKey();
    void environmentKeyServesOnlyTheNamedProfile();

private:
    Run cli(const QStringList& args, const QByteArray& input = {},
            const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
    void addProfile(const QString& name, const QString& kind, const QString& url);

    QString m_db;
    std::optional<PgConnection> m_conn;
};

void TestKeyOrigin::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    QVERIFY(qEnvironmentVariable("HOME").startsWith(QStringLiteral("/tmp/")));
}

void TestKeyOrigin::init() {
    m_db = TestPostgres::instance().createDatabase(QStringLiteral("keyorigin"));
    m_conn = PgConnection::open(m_db);
    quiver::Migrations::apply(*m_conn);
}

void TestKeyOrigin::cleanup() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_db);
}

Run TestKeyOrigin::cli(const QStringList& args, const QByteArray& input,
                       const QProcessEnvironment& env) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("QUIVER_BINARY_DIR") + QStringLiteral("/app/quiver-cli"),
            QStringList{QStringLiteral("--db"), m_db} + args);
    Run r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TestKeyOrigin::addProfile(const QString& name, const QString& kind, const QString& url) {
    const Run r =
        cli({QStringLiteral("profile"), QStringLiteral("add"), name, QStringLiteral("--kind"), kind,
             QStringLiteral("--base-url"), url, QStringLiteral("--model"),
             QStringLiteral("fake-model"), QStringLiteral("--dimensions"), QStringLiteral("8")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
}

void TestKeyOrigin::profileMovedInTheDatabaseGetsNoKeyUntilApproved() {
    FakeEmbeddingsConfig c;
    c.requiredKey = QString::fromLatin1(kKey);
    FakeEmbeddingsServer approved(c);
    FakeEmbeddingsServer collector; // takes any key, and records it
    addProfile(QStringLiteral("moved"), QStringLiteral("openai-compatible"), approved.baseUrl());
    Run r =
        cli({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("moved")}, kKey + '\n');
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains(originOf(approved).toUtf8()), r.out.constData());
    const QStringList embed{QStringLiteral("embed"), QStringLiteral("a sentence"),
                            QStringLiteral("--profile"), QStringLiteral("moved")};
    r = cli(embed);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(approved.stats().authorizations.last(), "Bearer " + kKey);

    // Someone with write access to the database points the profile at a server of theirs.
    m_conn->exec(QStringLiteral("UPDATE quiver.embedding_profiles SET base_url = $1 "
                                "WHERE name = 'moved'"),
                 {collector.baseUrl()});
    r = cli(embed);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("quiver-cli key approve moved"), r.err.constData());
    QVERIFY(r.err.contains(originOf(collector).toUtf8()));
    QVERIFY(r.err.contains(originOf(approved).toUtf8()));
    QVERIFY(!r.err.contains(kKey));
    // The worker too: it stops and says why; nothing reached the other server.
    quiver::test::insertChunks(*m_conn, 5);
    r = cli({QStringLiteral("worker"), QStringLiteral("--profile"), QStringLiteral("moved"),
             QStringLiteral("--once")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("approve"), r.err.constData());
    QCOMPARE(collector.stats().requests, 0);
    QVERIFY(noKeyReached(collector));

    r = cli({QStringLiteral("--json"), QStringLiteral("key"), QStringLiteral("status"),
             QStringLiteral("moved")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject status = QJsonDocument::fromJson(r.out).object();
    QVERIFY(status.value(QStringLiteral("stored")).toBool());
    QVERIFY(!status.value(QStringLiteral("approved")).toBool());
    QCOMPARE(status.value(QStringLiteral("origin")).toString(), originOf(collector));
    QCOMPARE(status.value(QStringLiteral("approved_origin")).toString(), originOf(approved));

    // A script that states the address it means approves nothing else.
    r = cli({QStringLiteral("key"), QStringLiteral("approve"), QStringLiteral("moved"),
             QStringLiteral("--origin"), approved.baseUrl()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("nothing was approved"), r.err.constData());
    QCOMPARE(cli(embed).exitCode, 1);
    QVERIFY(noKeyReached(collector));

    // The user approves the new address: from now on the key goes there.
    r = cli({QStringLiteral("key"), QStringLiteral("approve"), QStringLiteral("moved")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = cli(embed);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(collector.stats().authorizations.last(), "Bearer " + kKey);
}

void TestKeyOrigin::plainHttpToAnotherMachineGetsNoKey() {
    // 192.0.2.0/24 is reserved for documentation: nothing answers there.
    const QString remote = QStringLiteral("http://192.0.2.10:8000");
    addProfile(QStringLiteral("cleartext"), QStringLiteral("openai-compatible"), remote);
    Run r = cli({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("cleartext")},
                kKey + '\n');
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("plain http://"), r.err.constData());
    QVERIFY(r.err.contains("https://"));
    r = cli({QStringLiteral("--json"), QStringLiteral("key"), QStringLiteral("status"),
             QStringLiteral("cleartext")});
    QVERIFY(!QJsonDocument::fromJson(r.out).object().value(QStringLiteral("stored")).toBool());
    r = cli({QStringLiteral("key"), QStringLiteral("approve"), QStringLiteral("cleartext")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("plain http://"), r.err.constData());

    // A keyed profile the database moves to plain http:// elsewhere is refused before any
    // connection: approved or not, the key would cross the network readable.
    FakeEmbeddingsConfig c;
    c.requiredKey = QString::fromLatin1(kKey);
    FakeEmbeddingsServer local(c);
    addProfile(QStringLiteral("keyed"), QStringLiteral("openai-compatible"), local.baseUrl());
    r = cli({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("keyed")}, kKey + '\n');
    QVERIFY2(r.exitCode == 0, r.err.constData());
    m_conn->exec(QStringLiteral("UPDATE quiver.embedding_profiles SET base_url = $1 "
                                "WHERE name = 'keyed'"),
                 {remote});
    r = cli({QStringLiteral("embed"), QStringLiteral("text"), QStringLiteral("--profile"),
             QStringLiteral("keyed")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("plain http://") && r.err.contains("key delete keyed"),
             r.err.constData());
    QVERIFY(!r.err.contains("Cannot reach")); // refused, not tried
}

void TestKeyOrigin::environmentKeyServesOnlyTheNamedProfile() {
    FakeEmbeddingsConfig c;
    c.requiredKey = QString::fromLatin1(kKey);
    FakeEmbeddingsServer server(c);
    addProfile(QStringLiteral("envkey"), QStringLiteral("openai"), server.baseUrl());
    Run r = cli({QStringLiteral("profile"), QStringLiteral("default"), QStringLiteral("envkey")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QUIVER_API_KEY"), QString::fromLatin1(kKey));

    // The database's default profile is not a profile named on this command line.
    r = cli({QStringLiteral("embed"), QStringLiteral("text")}, {}, env);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("needs an API key"), r.err.constData());
    QVERIFY(r.err.contains("--profile envkey"));
    QCOMPARE(server.stats().requests, 0);
    r = cli({QStringLiteral("embed"), QStringLiteral("text"), QStringLiteral("--api-key-file"),
             QStringLiteral("/nonexistent")},
            {}, env);
    QCOMPARE(r.exitCode, 2);

    // Named, it serves.
    r = cli({QStringLiteral("embed"), QStringLiteral("text"), QStringLiteral("--profile"),
             QStringLiteral("envkey")},
            {}, env);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(server.stats().requests, 1);
    QCOMPARE(server.stats().authorizations.last(), "Bearer " + kKey);
}

QTEST_GUILESS_MAIN(TestKeyOrigin)
#include "tst_key_origin.moc"
