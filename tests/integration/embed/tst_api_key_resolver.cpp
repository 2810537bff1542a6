// Where an API key comes from: a real Secret Service (gnome-keyring, started by
// tests/harness/with_keychain.sh), the environment, or an owner-only file; and where it may go:
// only to the origin approved on this machine (approvals in a settings file of the test's own).
#include "core/embed/api_key_resolver.h"
#include "core/embed/approved_origins.h"
#include "core/embed/embedder.h"
#include "core/embed/key_approval_required.h"
#include "core/secrets/secret_store.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using quiver::ApiKeyResolver;
using quiver::ApprovedOrigins;
using quiver::EmbeddingProfile;
using quiver::EmbedError;
using quiver::KeyApprovalRequired;
using quiver::SecretStore;
using Kind = quiver::EmbeddingProfile::Kind;

class TestApiKeyResolver : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void keychainComesFirst();
    void environmentThenFile();
    void fileReadableByOthersIsRefused();
    void missingKeyNamesTheFix();
    void compatibleServerMayGoWithoutKey();
    void kindsWithoutKeysAskNothing();
    void originIsSchemeHostAndPort_data();
    void originIsSchemeHostAndPort();
    void keyForAnotherOriginIsWithheld();
    void keyStoredBeforeApprovalsNeedsApproval();
    void plainHttpGoesOnlyToThisMachine_data();
    void plainHttpGoesOnlyToThisMachine();
    void environmentAndFileServeOnlyTheNamedProfile();

private:
    EmbeddingProfile profile(Kind kind) const;
    QString writeKeyFile(const QByteArray& content, QFile::Permissions perms);
    ApiKeyResolver resolver() { return ApiKeyResolver(m_store, m_origins.get()); }
    // The named profile's key, when the resolver hands one out; the refusal's message otherwise.
    QString outcome(const EmbeddingProfile& p, const ApiKeyResolver::Sources& sources = {});

    SecretStore m_store{QStringLiteral("Quiver test")};
    QString m_name;
    QTemporaryDir m_dir;
    std::unique_ptr<ApprovedOrigins> m_origins;
};

void TestApiKeyResolver::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    QVERIFY(m_dir.isValid());
}

void TestApiKeyResolver::init() {
    qunsetenv("QUIVER_API_KEY");
    m_name = QStringLiteral("p%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    m_origins = std::make_unique<ApprovedOrigins>(std::make_unique<QSettings>(
        m_dir.filePath(m_name + QStringLiteral(".ini")), QSettings::IniFormat));
}

QString TestApiKeyResolver::outcome(const EmbeddingProfile& p,
                                    const ApiKeyResolver::Sources& sources) {
    try {
        return resolver().resolve(p, sources).key;
    } catch (const EmbedError& e) {
        return QStringLiteral("refused: ") + e.message();
    }
}

EmbeddingProfile TestApiKeyResolver::profile(Kind kind) const {
    EmbeddingProfile p = EmbeddingProfile::withDefaults(m_name, kind);
    p.baseUrl = kind == Kind::OpenAiCompatible ? QStringLiteral("http://h") : QString();
    p.model = QStringLiteral("m");
    return p;
}

QString TestApiKeyResolver::writeKeyFile(const QByteArray& content, QFile::Permissions perms) {
    const QString path = m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return {};
    f.close();
    f.setPermissions(perms);
    return path;
}

void TestApiKeyResolver::keychainComesFirst() {
    const EmbeddingProfile p = profile(Kind::OpenAi);
    QVERIFY(m_store.write(p.keychainKey(), QStringLiteral("sk-from-keychain")).ok);
    qputenv("QUIVER_API_KEY", "sk-from-env");
    m_origins->approve(m_name, QStringLiteral("https://api.openai.com:443"));
    const auto r = resolver().resolve(p, {QString(), true, m_name});
    QCOMPARE(r.key, QStringLiteral("sk-from-keychain"));
    QCOMPARE(r.source, QStringLiteral("keychain"));
    QVERIFY(m_store.remove(p.keychainKey()).ok);
}

void TestApiKeyResolver::environmentThenFile() {
    const EmbeddingProfile p = profile(Kind::OpenAi);
    const QString file = writeKeyFile("sk-from-file\n", QFile::ReadOwner | QFile::WriteOwner);
    qputenv("QUIVER_API_KEY", "sk-from-env");
    m_origins->approve(m_name, p.origin());
    QCOMPARE(resolver().resolve(p, {file, true, m_name}).key, QStringLiteral("sk-from-env"));
    qunsetenv("QUIVER_API_KEY");
    const auto r = resolver().resolve(p, {file, true, m_name});
    QCOMPARE(r.key, QStringLiteral("sk-from-file"));
    QCOMPARE(r.source, QStringLiteral("file"));
}

void TestApiKeyResolver::fileReadableByOthersIsRefused() {
    const EmbeddingProfile p = profile(Kind::OpenAi);
    const QString file = writeKeyFile("sk-world-readable-0001",
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
    try {
        resolver().resolve(p, {file, true, m_name});
        QFAIL("a world-readable key file was used");
    } catch (const EmbedError& e) {
        QCOMPARE(e.kind(), EmbedError::Kind::Config);
        QVERIFY(e.message().contains(QStringLiteral("chmod 600")));
        QVERIFY(e.message().contains(file));
        QVERIFY(!e.message().contains(QStringLiteral("sk-world")));
    }
}

void TestApiKeyResolver::missingKeyNamesTheFix() {
    try {
        resolver().resolve(profile(Kind::OpenAi), {});
        QFAIL("resolved a key that does not exist");
    } catch (const EmbedError& e) {
        QCOMPARE(e.kind(), EmbedError::Kind::Config);
        QVERIFY(e.message().contains(QStringLiteral("quiver-cli key set ") + m_name));
        QVERIFY(e.message().contains(QStringLiteral("QUIVER_API_KEY")));
        QVERIFY(e.message().contains(QStringLiteral("--api-key-file")));
    }
}

void TestApiKeyResolver::compatibleServerMayGoWithoutKey() {
    const auto r = resolver().resolve(profile(Kind::OpenAiCompatible), {});
    QVERIFY(r.key.isEmpty());
}

void TestApiKeyResolver::kindsWithoutKeysAskNothing() {
    qputenv("QUIVER_API_KEY", "sk-never-sent-to-ollama");
    for (Kind k : {Kind::Ollama, Kind::Lexical, Kind::Local})
        QVERIFY(resolver().resolve(profile(k), {QString(), true, m_name}).key.isEmpty());
}

void TestApiKeyResolver::originIsSchemeHostAndPort_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("origin");
    QTest::newRow("https default port") << "https://API.example.com/v1/"
                                        << "https://api.example.com:443";
    QTest::newRow("http default port") << "http://localhost"
                                       << "http://localhost:80";
    QTest::newRow("explicit port, path") << "http://127.0.0.1:8080/x/y"
                                         << "http://127.0.0.1:8080";
    QTest::newRow("IPv6") << "http://[::1]:11434"
                          << "http://[::1]:11434";
    QTest::newRow("not http") << "ftp://example.com"
                              << "";
}

void TestApiKeyResolver::originIsSchemeHostAndPort() {
    QFETCH(QString, url);
    QFETCH(QString, origin);
    EmbeddingProfile p = profile(Kind::OpenAiCompatible);
    p.baseUrl = url;
    QCOMPARE(p.origin(), origin);
}

// The database moved the profile: the key stays home, and the message says what to do.
void TestApiKeyResolver::keyForAnotherOriginIsWithheld() {
    EmbeddingProfile p = profile(Kind::OpenAi);
    QVERIFY(m_store.write(p.keychainKey(), QStringLiteral("sk-stays-home-0042")).ok);
    m_origins->approve(m_name, p.origin());
    QCOMPARE(outcome(p), QStringLiteral("sk-stays-home-0042"));
    p.baseUrl = QStringLiteral("https://collector.example.net:8443/v1");
    try {
        resolver().resolve(p, {});
        QFAIL("the key was handed out for an origin nobody approved");
    } catch (const KeyApprovalRequired& e) {
        QCOMPARE(e.profileName(), m_name);
        QCOMPARE(e.origin(), QStringLiteral("https://collector.example.net:8443"));
        QVERIFY2(e.message().contains(QStringLiteral("quiver-cli key approve ") + m_name),
                 qPrintable(e.message()));
        QVERIFY(e.message().contains(QStringLiteral("https://api.openai.com:443")));
        QVERIFY(!e.message().contains(QStringLiteral("sk-stays-home")));
    }
    // Approved here, it goes there; the old origin no longer gets it.
    m_origins->approve(m_name, p.origin());
    QCOMPARE(outcome(p), QStringLiteral("sk-stays-home-0042"));
    p.baseUrl.clear();
    QVERIFY(outcome(p).startsWith(QStringLiteral("refused: ")));
    QVERIFY(m_store.remove(p.keychainKey()).ok);
}

void TestApiKeyResolver::keyStoredBeforeApprovalsNeedsApproval() {
    const EmbeddingProfile p = profile(Kind::OpenAi);
    QVERIFY(m_store.write(p.keychainKey(), QStringLiteral("sk-from-before-0007")).ok);
    const QString refused = outcome(p);
    QVERIFY2(refused.contains(QStringLiteral("no address has been approved")), qPrintable(refused));
    QVERIFY(refused.contains(QStringLiteral("https://api.openai.com:443")));
    QVERIFY(m_store.remove(p.keychainKey()).ok);
}

void TestApiKeyResolver::plainHttpGoesOnlyToThisMachine_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("sent");
    QTest::newRow("loopback address") << "http://127.0.0.1:8000" << true;
    QTest::newRow("localhost") << "http://localhost:8000" << true;
    QTest::newRow("IPv6 loopback") << "http://[::1]:8000" << true;
    QTest::newRow("another machine") << "http://192.0.2.10:8000" << false;
    QTest::newRow("a name") << "http://gpu-box.example:8000" << false;
    QTest::newRow("https elsewhere") << "https://gpu-box.example:8000" << true;
}

// Even approved: a key crosses the network only inside TLS.
void TestApiKeyResolver::plainHttpGoesOnlyToThisMachine() {
    QFETCH(QString, url);
    QFETCH(bool, sent);
    EmbeddingProfile p = profile(Kind::OpenAiCompatible);
    p.baseUrl = url;
    QVERIFY(m_store.write(p.keychainKey(), QStringLiteral("sk-over-http-0099")).ok);
    m_origins->approve(m_name, p.origin());
    const QString got = outcome(p);
    QVERIFY(m_store.remove(p.keychainKey()).ok);
    if (sent) {
        QCOMPARE(got, QStringLiteral("sk-over-http-0099"));
        return;
    }
    QVERIFY2(got.contains(QStringLiteral("plain http://")), qPrintable(got));
    QVERIFY(got.contains(QStringLiteral("https://")));
    QVERIFY(got.contains(QStringLiteral("key delete ") + m_name));
}

// QUIVER_API_KEY and --api-key-file are the key of the profile named next to them: a profile
// the database names (a reembed job's, the default one) never gets them.
void TestApiKeyResolver::environmentAndFileServeOnlyTheNamedProfile() {
    EmbeddingProfile p = profile(Kind::OpenAiCompatible);
    p.baseUrl = QStringLiteral("http://127.0.0.1:9");
    m_origins->approve(m_name, p.origin());
    const QString file =
        writeKeyFile("sk-file-for-one-0003\n", QFile::ReadOwner | QFile::WriteOwner);
    qputenv("QUIVER_API_KEY", "sk-env-for-one-0003");
    QCOMPARE(outcome(p, {file, true, m_name}), QStringLiteral("sk-env-for-one-0003"));
    QCOMPARE(outcome(p, {file, false, m_name}), QStringLiteral("sk-file-for-one-0003"));
    QCOMPARE(outcome(p, {file, true, QStringLiteral("another")}), QString());
    QCOMPARE(outcome(p, {file, true, QString()}), QString());
    // A profile that cannot do without one says where a key would have to come from.
    EmbeddingProfile needy = profile(Kind::OpenAi);
    const QString refused = outcome(needy, {file, true, QStringLiteral("another")});
    QVERIFY2(refused.contains(QStringLiteral("--profile ") + m_name), qPrintable(refused));
}

QTEST_GUILESS_MAIN(TestApiKeyResolver)
#include "tst_api_key_resolver.moc"
