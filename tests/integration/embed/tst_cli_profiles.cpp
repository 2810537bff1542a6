// quiver-cli profile / key / embed from the outside, against the real PostgreSQL server of the
// ctest fixture and the fake embeddings server (real HTTP on loopback). No keychain here: the
// commands must explain that and fall back to QUIVER_API_KEY or an owner-only key file.
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using quiver::test::CliRun;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::runCli;
using quiver::test::TestPostgres;

namespace {

QProcessEnvironment noKeychain() {
    // Settings of the test's own: `profile add` and `key approve` write approved addresses.
    static const QTemporaryDir home;
    QProcessEnvironment env = quiver::test::isolatedEnvironment(home.path());
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("QUIVER_API_KEY"));
    return env;
}

std::vector<float> vectorOf(const QByteArray& jsonLine) {
    const QJsonArray a =
        QJsonDocument::fromJson(jsonLine).object().value(QStringLiteral("embedding")).toArray();
    std::vector<float> v;
    for (const QJsonValue& x : a)
        v.push_back(static_cast<float>(x.toDouble()));
    return v;
}

bool close(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::abs(a[i] - b[i]) > 1e-6F)
            return false;
    }
    return true;
}

} // namespace

class TestCliProfiles : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void freshDatabaseListsLocalAndLexical();
    void addDefaultRemove();
    void wrongUsageExitsTwo();
    void keyOnTheCommandLineIsRefusedAndNotEchoed();
    void embedLexical();
    void embedWithoutProfileUsesTheLocalModel();
    void embedThroughCompatibleServer();
    void openAiWithoutKeychainExplainsTheWayOut();
    void keyFromEnvironmentOrOwnerOnlyFile();
    void standaloneFakeServer();

private:
    CliRun cli(QStringList args, const QProcessEnvironment& env = noKeychain()) {
        args << QStringLiteral("--db") << m_db;
        return runCli(args, env);
    }
    QString m_db;
};

void TestCliProfiles::init() {
    m_db = TestPostgres::instance().createDatabase(QStringLiteral("cliprof"));
}

void TestCliProfiles::cleanup() {
    TestPostgres::instance().dropDatabase(m_db);
}

void TestCliProfiles::freshDatabaseListsLocalAndLexical() {
    const auto r =
        cli({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject lexical = QJsonDocument::fromJson(lines[0]).object();
    const QJsonObject local = QJsonDocument::fromJson(lines[1]).object();
    QCOMPARE(lexical.value(QStringLiteral("kind")).toString(), QStringLiteral("lexical"));
    QCOMPARE(local.value(QStringLiteral("kind")).toString(), QStringLiteral("local"));
    QVERIFY(local.value(QStringLiteral("default")).toBool());
    const auto text = cli({QStringLiteral("profile"), QStringLiteral("list")});
    QVERIFY(text.out.contains("* local"));
}

void TestCliProfiles::addDefaultRemove() {
    auto r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("gpu"),
                  QStringLiteral("--kind"), QStringLiteral("openai-compatible"),
                  QStringLiteral("--base-url"), QStringLiteral("http://gpu-box:8000"),
                  QStringLiteral("--model"), QStringLiteral("bge-m3"), QStringLiteral("--rpm"),
                  QStringLiteral("600"), QStringLiteral("--tpm"), QStringLiteral("100000"),
                  QStringLiteral("--batch-size"), QStringLiteral("64"),
                  QStringLiteral("--concurrency"), QStringLiteral("3"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("rpm")).toInt(), 600);
    QCOMPARE(o.value(QStringLiteral("tpm")).toInt(), 100000);
    QCOMPARE(o.value(QStringLiteral("batch_size")).toInt(), 64);
    QCOMPARE(o.value(QStringLiteral("concurrency")).toInt(), 3);

    r = cli({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("local")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("profile default NAME"));
    QCOMPARE(
        cli({QStringLiteral("profile"), QStringLiteral("default"), QStringLiteral("gpu")}).exitCode,
        0);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("local")})
                 .exitCode,
             0);
    r = cli({QStringLiteral("profile"), QStringLiteral("list")});
    QVERIFY(r.out.contains("* gpu"));
    QVERIFY(!r.out.contains("local "));
    // Adding a duplicate fails with the fix and changes nothing.
    r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("gpu"),
             QStringLiteral("--kind"), QStringLiteral("lexical")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("already exists"));
    r = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("bad"),
             QStringLiteral("--kind"), QStringLiteral("openai-compatible"),
             QStringLiteral("--model"), QStringLiteral("m"), QStringLiteral("--base-url"),
             QStringLiteral("https://user:sk-in-url-9999@h/")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("keychain"));
    QVERIFY(!r.err.contains("sk-in-url"));
}

void TestCliProfiles::wrongUsageExitsTwo() {
    QCOMPARE(cli({QStringLiteral("profile")}).exitCode, 2);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("x")}).exitCode,
             2);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("x"),
                  QStringLiteral("--kind"), QStringLiteral("offline")})
                 .exitCode,
             2);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("x"),
                  QStringLiteral("--kind"), QStringLiteral("lexical"),
                  QStringLiteral("--dimensions"), QStringLiteral("many")})
                 .exitCode,
             2);
    QCOMPARE(cli({QStringLiteral("key"), QStringLiteral("status")}).exitCode, 2);
    QCOMPARE(cli({QStringLiteral("embed")}).exitCode, 2);
}

void TestCliProfiles::keyOnTheCommandLineIsRefusedAndNotEchoed() {
    const auto r = cli({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("local"),
                        QStringLiteral("sk-pasted-on-argv-1234")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("standard input"));
    QVERIFY(!r.err.contains("sk-pasted") && !r.out.contains("sk-pasted"));
    const auto extra = cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("x"),
                            QStringLiteral("--kind"), QStringLiteral("lexical"),
                            QStringLiteral("sk-stray-argument-5678")});
    QCOMPARE(extra.exitCode, 2);
    QVERIFY(!extra.err.contains("sk-stray"));
}

void TestCliProfiles::embedLexical() {
    const auto r =
        cli({QStringLiteral("embed"), QStringLiteral("hello vector world"),
             QStringLiteral("--profile"), QStringLiteral("lexical"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("dimensions")).toInt(), 1024);
    QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("lexical-v1-1024"));
    const std::vector<float> v = vectorOf(r.out);
    double norm = 0;
    for (float x : v)
        norm += static_cast<double>(x) * static_cast<double>(x);
    QVERIFY(std::abs(norm - 1.0) < 1e-4);
    // Text output: one line, [x,y,...], the same numbers.
    const auto text = cli({QStringLiteral("embed"), QStringLiteral("hello vector world"),
                           QStringLiteral("--profile"), QStringLiteral("lexical")});
    QVERIFY(text.out.startsWith('[') && text.out.trimmed().endsWith(']'));
    QCOMPARE(text.out.count(',') + 1, 1024);
}

void TestCliProfiles::embedWithoutProfileUsesTheLocalModel() {
    // A fresh database's default profile is the on-device model: the vector equals the reference
    // implementation's for texts within its window (tests/fixtures/local_model/golden.json).
    QFile file(qEnvironmentVariable("QUIVER_SOURCE_DIR") +
               QStringLiteral("/tests/fixtures/local_model/golden.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray cases =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cases")).toArray();
    int checked = 0;
    for (const QJsonValue& value : cases) {
        const QJsonObject c = value.toObject();
        const QString text = c.value(QStringLiteral("text")).toString();
        // Three cases are enough for the command line; the unit tests check every one.
        if (c.value(QStringLiteral("truncated")).toBool() || text.trimmed().isEmpty() ||
            text.startsWith(QLatin1Char('-')) || checked == 3)
            continue;
        const auto r = cli({QStringLiteral("embed"), text, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("dimensions")).toInt(), 512);
        QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("use-lite-0.2.0"));
        const std::vector<float> got = vectorOf(r.out);
        const QJsonArray want = c.value(QStringLiteral("vector")).toArray();
        QCOMPARE(got.size(), static_cast<std::size_t>(want.size()));
        double dot = 0, nw = 0, ng = 0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            const double w = want[static_cast<qsizetype>(i)].toDouble();
            dot += w * static_cast<double>(got[i]);
            nw += w * w;
            ng += static_cast<double>(got[i]) * static_cast<double>(got[i]);
        }
        const double cosine = dot / std::sqrt(nw * ng);
        QVERIFY2(cosine >= 0.999,
                 qPrintable(QStringLiteral("%1: cosine %2").arg(text).arg(cosine)));
        ++checked;
    }
    QCOMPARE(checked, 3);
}

void TestCliProfiles::embedThroughCompatibleServer() {
    FakeEmbeddingsConfig c;
    c.dimensions = 16;
    FakeEmbeddingsServer server(c);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("fake"),
                  QStringLiteral("--kind"), QStringLiteral("openai-compatible"),
                  QStringLiteral("--base-url"), server.baseUrl(), QStringLiteral("--model"),
                  QStringLiteral("fake-model")})
                 .exitCode,
             0);
    const auto r =
        cli({QStringLiteral("embed"), QStringLiteral("some text"), QStringLiteral("--profile"),
             QStringLiteral("fake"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(
        close(vectorOf(r.out), FakeEmbeddingsServer::vectorFor(QStringLiteral("some text"), 16)));
    QCOMPARE(server.stats().requests, 1);
    QCOMPARE(server.stats().authorizations.first(), QByteArray()); // no key, none sent
}

void TestCliProfiles::openAiWithoutKeychainExplainsTheWayOut() {
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("oa"),
                  QStringLiteral("--kind"), QStringLiteral("openai")})
                 .exitCode,
             0);
    const auto r = cli({QStringLiteral("embed"), QStringLiteral("x"), QStringLiteral("--profile"),
                        QStringLiteral("oa")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no keychain is reachable"), r.err.constData());
    QVERIFY(r.err.contains("QUIVER_API_KEY"));
    QVERIFY(r.err.contains("--api-key-file"));
}

void TestCliProfiles::keyFromEnvironmentOrOwnerOnlyFile() {
    FakeEmbeddingsConfig c;
    c.requiredKey = QStringLiteral("sk-env-or-file-key-4242");
    FakeEmbeddingsServer server(c);
    QCOMPARE(cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("oa"),
                  QStringLiteral("--kind"), QStringLiteral("openai"), QStringLiteral("--base-url"),
                  server.baseUrl()})
                 .exitCode,
             0);
    QProcessEnvironment env = noKeychain();
    env.insert(QStringLiteral("QUIVER_API_KEY"), c.requiredKey);
    auto r = cli({QStringLiteral("embed"), QStringLiteral("x"), QStringLiteral("--profile"),
                  QStringLiteral("oa")},
                 env);
    QVERIFY2(r.exitCode == 0, r.err.constData());

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("key"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(c.requiredKey.toUtf8() + '\n');
    f.close();
    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
    r = cli({QStringLiteral("embed"), QStringLiteral("x"), QStringLiteral("--profile"),
             QStringLiteral("oa"), QStringLiteral("--api-key-file"), path});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("chmod 600"));
    QVERIFY(!r.err.contains("sk-env"));
    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    r = cli({QStringLiteral("embed"), QStringLiteral("x"), QStringLiteral("--profile"),
             QStringLiteral("oa"), QStringLiteral("--api-key-file"), path});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    for (const QByteArray& a : server.stats().authorizations)
        QCOMPARE(a, "Bearer " + c.requiredKey.toUtf8());
    QCOMPARE(server.stats().authorizations.size(), 2);
}

// The fake server as a program of its own, for tests that only drive processes.
void TestCliProfiles::standaloneFakeServer() {
    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FAKE_EMBEDDINGS_REQUIRED_KEY"), QStringLiteral("sk-standalone-1"));
    server.setProcessEnvironment(env);
    server.start(QStringLiteral(QUIVER_FAKE_EMBEDDINGS_SERVER),
                 {QStringLiteral("--dimensions"), QStringLiteral("5")});
    QVERIFY(server.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine(), 10000);
    const QString url = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));
    QCOMPARE(
        cli({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("solo"),
             QStringLiteral("--kind"), QStringLiteral("openai-compatible"),
             QStringLiteral("--base-url"), url, QStringLiteral("--model"), QStringLiteral("m")})
            .exitCode,
        0);
    QProcessEnvironment withKey = noKeychain();
    withKey.insert(QStringLiteral("QUIVER_API_KEY"), QStringLiteral("sk-standalone-1"));
    const auto r =
        cli({QStringLiteral("embed"), QStringLiteral("solo text"), QStringLiteral("--profile"),
             QStringLiteral("solo"), QStringLiteral("--json")},
            withKey);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(
        close(vectorOf(r.out), FakeEmbeddingsServer::vectorFor(QStringLiteral("solo text"), 5)));
    const auto refused = cli({QStringLiteral("embed"), QStringLiteral("solo text"),
                              QStringLiteral("--profile"), QStringLiteral("solo")});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.err.contains("401"));
    server.closeWriteChannel(); // the server ends when its standard input closes
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestCliProfiles)
#include "tst_cli_profiles.moc"
