// Embedding profiles in quiver.embedding_profiles, against the real PostgreSQL server of the
// ctest fixture.
#include "core/db/db_error.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/profile_repository.h"
#include "tests/harness/test_postgres.h"

#include <QTest>

using quiver::DbError;
using quiver::EmbeddingProfile;
using quiver::Migrations;
using quiver::PgConnection;
using quiver::ProfileError;
using quiver::ProfileRepository;
using quiver::test::TestPostgres;
using Kind = quiver::EmbeddingProfile::Kind;

class TestProfileRepository : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void freshDatabaseHasLocalDefault();
    void addListFindRoundTrip();
    void invalidProfilesAreRefusedWithTheFix_data();
    void invalidProfilesAreRefusedWithTheFix();
    void tableRefusesCredentialsInBaseUrl();
    void exactlyOneDefault();
    void defaultCannotBeRemovedWhileOthersExist();
    void unknownNamesAreExplained();
    void updateKeepsTheRow();

private:
    QString m_conninfo;
    std::optional<PgConnection> m_conn;
};

void TestProfileRepository::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("profiles"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
}

void TestProfileRepository::cleanup() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestProfileRepository::freshDatabaseHasLocalDefault() {
    ProfileRepository repo(*m_conn);
    const EmbeddingProfile d = repo.resolve(QString());
    QCOMPARE(d.kind, Kind::Local);
    QCOMPARE(d.name, QStringLiteral("local"));
    QVERIFY(d.isDefault);
    const auto lexical = repo.find(QStringLiteral("lexical"));
    QVERIFY(lexical.has_value());
    QCOMPARE(lexical->kind, Kind::Lexical);
    QVERIFY(lexical->dimensions > 0);
    QVERIFY(!lexical->isDefault);
}

void TestProfileRepository::addListFindRoundTrip() {
    ProfileRepository repo(*m_conn);
    EmbeddingProfile p =
        EmbeddingProfile::withDefaults(QStringLiteral("vllm"), Kind::OpenAiCompatible);
    p.baseUrl = QStringLiteral("http://gpu-box:8000");
    p.model = QStringLiteral("bge-m3");
    p.dimensions = 1024;
    p.batchSize = 128;
    p.concurrency = 8;
    p.requestsPerMinute = 3000;
    p.tokensPerMinute = 1000000;
    p.timeoutMs = 20000;
    p.maxInputTokens = 8192;
    p.maxRetries = 3;
    const EmbeddingProfile added = repo.add(p);
    QVERIFY(added.id > 0);
    QVERIFY(!added.isDefault);
    const EmbeddingProfile back = *repo.find(QStringLiteral("vllm"));
    QCOMPARE(back.kind, Kind::OpenAiCompatible);
    QCOMPARE(back.baseUrl, p.baseUrl);
    QCOMPARE(back.model, p.model);
    QCOMPARE(back.dimensions, 1024);
    QCOMPARE(back.batchSize, 128);
    QCOMPARE(back.concurrency, 8);
    QCOMPARE(back.requestsPerMinute, 3000);
    QCOMPARE(back.tokensPerMinute, 1000000);
    QCOMPARE(back.timeoutMs, 20000);
    QCOMPARE(back.maxInputTokens, 8192);
    QCOMPARE(back.maxRetries, 3);
    QCOMPARE(repo.list().size(), 3);
    // Unset limits come back as 0 (no limit), not as garbage.
    repo.add(EmbeddingProfile::withDefaults(QStringLiteral("oa"), Kind::OpenAi));
    QCOMPARE(repo.find(QStringLiteral("oa"))->requestsPerMinute, 0);
    QCOMPARE(repo.find(QStringLiteral("oa"))->dimensions, 0);
    QCOMPARE(repo.find(QStringLiteral("oa"))->effectiveBaseUrl(),
             QStringLiteral("https://api.openai.com"));
}

void TestProfileRepository::invalidProfilesAreRefusedWithTheFix_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<int>("batch");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("secret");
    const int compat = static_cast<int>(Kind::OpenAiCompatible);
    QTest::newRow("bad name") << QStringLiteral("no spaces") << compat << QStringLiteral("http://h")
                              << 8 << QStringLiteral("not valid") << QString();
    QTest::newRow("no base url") << QStringLiteral("c") << compat << QString() << 8
                                 << QStringLiteral("--base-url") << QString();
    QTest::newRow("password in url")
        << QStringLiteral("c") << compat << QStringLiteral("https://me:sk-pass1234@h/v") << 8
        << QStringLiteral("keychain") << QStringLiteral("sk-pass1234");
    QTest::newRow("key in query") << QStringLiteral("c") << compat
                                  << QStringLiteral("https://h/v?api-key=sk-query5678") << 8
                                  << QStringLiteral("query") << QStringLiteral("sk-query5678");
    QTest::newRow("not http") << QStringLiteral("c") << compat << QStringLiteral("ftp://h") << 8
                              << QStringLiteral("http://") << QString();
    QTest::newRow("batch too big") << QStringLiteral("c") << compat << QStringLiteral("http://h")
                                   << 4096 << QStringLiteral("2048") << QString();
}

void TestProfileRepository::invalidProfilesAreRefusedWithTheFix() {
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(QString, baseUrl);
    QFETCH(int, batch);
    QFETCH(QString, expected);
    QFETCH(QString, secret);
    EmbeddingProfile p = EmbeddingProfile::withDefaults(name, static_cast<Kind>(kind));
    p.model = QStringLiteral("m");
    p.baseUrl = baseUrl;
    p.batchSize = batch;
    ProfileRepository repo(*m_conn);
    try {
        repo.add(p);
        QFAIL("an invalid profile was stored");
    } catch (const ProfileError& e) {
        QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
        if (!secret.isEmpty())
            QVERIFY2(!e.message().contains(secret), qPrintable(e.message()));
    }
    QCOMPARE(repo.list().size(), 2); // nothing stored, nothing lost
}

void TestProfileRepository::tableRefusesCredentialsInBaseUrl() {
    // Even a writer that skips validation cannot store a URL with user info.
    QVERIFY_THROWS_EXCEPTION(
        DbError, m_conn->exec(QStringLiteral("INSERT INTO quiver.embedding_profiles "
                                             "(name, kind, base_url, model) "
                                             "VALUES ('x', 'openai-compatible', $1, 'm')"),
                              {QStringLiteral("https://u:p@h/")}));
}

void TestProfileRepository::exactlyOneDefault() {
    ProfileRepository repo(*m_conn);
    repo.setDefault(QStringLiteral("lexical"));
    EmbeddingProfile p = EmbeddingProfile::withDefaults(QStringLiteral("o"), Kind::Ollama);
    p.isDefault = true;
    repo.add(p);
    int defaults = 0;
    for (const EmbeddingProfile& q : repo.list())
        defaults += q.isDefault ? 1 : 0;
    QCOMPARE(defaults, 1);
    QCOMPARE(repo.resolve(QString()).name, QStringLiteral("o"));
    QVERIFY_THROWS_EXCEPTION(
        DbError, m_conn->exec(QStringLiteral("UPDATE quiver.embedding_profiles SET is_default = "
                                             "true WHERE name = 'local'")));
}

void TestProfileRepository::defaultCannotBeRemovedWhileOthersExist() {
    ProfileRepository repo(*m_conn);
    try {
        repo.remove(QStringLiteral("local"));
        QFAIL("removed the default");
    } catch (const ProfileError& e) {
        QVERIFY(e.message().contains(QStringLiteral("profile default")));
    }
    QVERIFY(repo.find(QStringLiteral("local")));
    repo.remove(QStringLiteral("lexical"));
    QVERIFY(!repo.find(QStringLiteral("lexical")));
    repo.remove(QStringLiteral("local")); // the last one may go
    QVERIFY(repo.list().isEmpty());
    try {
        repo.resolve(QString());
        QFAIL("resolved a default that does not exist");
    } catch (const ProfileError& e) {
        QVERIFY(e.message().contains(QStringLiteral("profile default NAME")));
    }
    // With no default left, the next profile added becomes it.
    repo.add(EmbeddingProfile::withDefaults(QStringLiteral("lex2"), Kind::Lexical));
    QCOMPARE(repo.resolve(QString()).name, QStringLiteral("lex2"));
}

void TestProfileRepository::unknownNamesAreExplained() {
    ProfileRepository repo(*m_conn);
    for (const auto& call : std::initializer_list<std::function<void()>>{
             [&]() { repo.resolve(QStringLiteral("nope")); },
             [&]() { repo.remove(QStringLiteral("nope")); },
             [&]() { repo.setDefault(QStringLiteral("nope")); }}) {
        try {
            call();
            QFAIL("an unknown profile was accepted");
        } catch (const ProfileError& e) {
            QVERIFY(e.message().contains(QStringLiteral("profile list")));
        }
    }
}

void TestProfileRepository::updateKeepsTheRow() {
    ProfileRepository repo(*m_conn);
    EmbeddingProfile p = *repo.find(QStringLiteral("lexical"));
    p.name = QStringLiteral("words");
    p.dimensions = 256;
    repo.update(p);
    QVERIFY(!repo.find(QStringLiteral("lexical")));
    QCOMPARE(repo.find(QStringLiteral("words"))->id, p.id);
    QCOMPARE(repo.find(QStringLiteral("words"))->dimensions, 256);
    p.name = QStringLiteral("local");
    QVERIFY_THROWS_EXCEPTION(ProfileError, repo.update(p));
}

QTEST_GUILESS_MAIN(TestProfileRepository)
#include "tst_profile_repository.moc"
