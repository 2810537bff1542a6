// Where an API key comes from: a real Secret Service (gnome-keyring, started by
// tests/harness/with_keychain.sh), the environment, or an owner-only file.
#include "core/embed/api_key_resolver.h"
#include "core/embed/embedder.h"
#include "core/secrets/secret_store.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using quiver::ApiKeyResolver;
using quiver::EmbeddingProfile;
using quiver::EmbedError;
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

private:
    EmbeddingProfile profile(Kind kind) const;
    QString writeKeyFile(const QByteArray& content, QFile::Permissions perms);

    SecretStore m_store{QStringLiteral("Quiver test")};
    QString m_name;
    QTemporaryDir m_dir;
};

void TestApiKeyResolver::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    QVERIFY(m_dir.isValid());
}

void TestApiKeyResolver::init() {
    qunsetenv("QUIVER_API_KEY");
    m_name = QStringLiteral("p%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
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
    const auto r = ApiKeyResolver(m_store).resolve(p, {});
    QCOMPARE(r.key, QStringLiteral("sk-from-keychain"));
    QCOMPARE(r.source, QStringLiteral("keychain"));
    QVERIFY(m_store.remove(p.keychainKey()).ok);
}

void TestApiKeyResolver::environmentThenFile() {
    const EmbeddingProfile p = profile(Kind::OpenAi);
    const QString file = writeKeyFile("sk-from-file\n", QFile::ReadOwner | QFile::WriteOwner);
    qputenv("QUIVER_API_KEY", "sk-from-env");
    QCOMPARE(ApiKeyResolver(m_store).resolve(p, {file, true}).key, QStringLiteral("sk-from-env"));
    qunsetenv("QUIVER_API_KEY");
    const auto r = ApiKeyResolver(m_store).resolve(p, {file, true});
    QCOMPARE(r.key, QStringLiteral("sk-from-file"));
    QCOMPARE(r.source, QStringLiteral("file"));
}

void TestApiKeyResolver::fileReadableByOthersIsRefused() {
    const EmbeddingProfile p = profile(Kind::OpenAi);
    const QString file = writeKeyFile("sk-world-readable-0001",
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
    try {
        ApiKeyResolver(m_store).resolve(p, {file, true});
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
        ApiKeyResolver(m_store).resolve(profile(Kind::OpenAi), {});
        QFAIL("resolved a key that does not exist");
    } catch (const EmbedError& e) {
        QCOMPARE(e.kind(), EmbedError::Kind::Config);
        QVERIFY(e.message().contains(QStringLiteral("quiver-cli key set ") + m_name));
        QVERIFY(e.message().contains(QStringLiteral("QUIVER_API_KEY")));
        QVERIFY(e.message().contains(QStringLiteral("--api-key-file")));
    }
}

void TestApiKeyResolver::compatibleServerMayGoWithoutKey() {
    const auto r = ApiKeyResolver(m_store).resolve(profile(Kind::OpenAiCompatible), {});
    QVERIFY(r.key.isEmpty());
}

void TestApiKeyResolver::kindsWithoutKeysAskNothing() {
    qputenv("QUIVER_API_KEY", "sk-never-sent-to-ollama");
    for (Kind k : {Kind::Ollama, Kind::Lexical, Kind::Local})
        QVERIFY(ApiKeyResolver(m_store).resolve(profile(k), {}).key.isEmpty());
}

QTEST_GUILESS_MAIN(TestApiKeyResolver)
#include "tst_api_key_resolver.moc"
