// Schema migrations and the schema's integrity rules, against the real PostgreSQL server of the
// ctest fixture.
#include "core/db/database_status.h"
#include "core/db/db_error.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "tests/harness/test_postgres.h"

#include <QJsonObject>
#include <QTest>

#include <barrier>
#include <thread>
#include <vector>

using quiver::DbError;
using quiver::Migrations;
using quiver::PgConnection;
using quiver::PgResult;
using quiver::test::TestPostgres;

namespace {

// A fresh database, dropped again when the test function ends.
class ScratchDatabase {
public:
    explicit ScratchDatabase(const QString& prefix)
        : conninfo(TestPostgres::instance().createDatabase(prefix)) {}
    ~ScratchDatabase() { TestPostgres::instance().dropDatabase(conninfo); }
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;
    const QString conninfo;
};

qint64 count(PgConnection& c, const QString& table) {
    // Table names come from the test itself.
    return c.exec(QStringLiteral("SELECT count(*) FROM quiver.") + table).toInt64(0, 0);
}

const QStringList kTables{QStringLiteral("schema_version"),
                          QStringLiteral("collections"),
                          QStringLiteral("documents"),
                          QStringLiteral("chunks"),
                          QStringLiteral("embeddings"),
                          QStringLiteral("embedding_queue"),
                          QStringLiteral("jobs"),
                          QStringLiteral("job_runs"),
                          QStringLiteral("embedding_profiles"),
                          QStringLiteral("workers"),
                          QStringLiteral("import_runs"),
                          QStringLiteral("import_files"),
                          QStringLiteral("search_settings"),
                          QStringLiteral("chunk_log"),
                          QStringLiteral("chunk_log_pruned"),
                          QStringLiteral("embedding_deletions_pruned"),
                          QStringLiteral("embedding_deletions"),
                          QStringLiteral("trash_documents"),
                          QStringLiteral("trash_chunks"),
                          QStringLiteral("trash_embeddings")};

} // namespace

class TestMigrations : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void fromEmptyToLatest();
    void rerunIsNoOp();
    void newerSchemaIsRefused();
    void concurrentMigrationsAgree();
    void deletingCascades();
    void chunkDocumentLinkHoldsWithoutAForeignKey();
    void embeddingsMustBeWellFormed();
    void sha256MustBeLowercaseHex();
    void jobConfigRefusesSecrets_data();
    void jobConfigRefusesSecrets();
    void jobDefaultsAndChecks();
    void databaseStatusCounts();

private:
    QString m_conninfo; // migrated once, shared by the schema tests
    std::optional<PgConnection> m_conn;
};

void TestMigrations::initTestCase() {
    QVERIFY(Migrations::latestVersion() >= 1);
    QCOMPARE(Migrations::name(1), QStringLiteral("initial"));
    QVERIFY(Migrations::sql(1).contains(QLatin1String("CREATE TABLE quiver.embeddings")));
    QVERIFY(Migrations::sql(Migrations::latestVersion() + 1).isEmpty());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("schema"));
    m_conn = PgConnection::open(m_conninfo);
    QCOMPARE(Migrations::apply(*m_conn), Migrations::latestVersion());
}

void TestMigrations::cleanupTestCase() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestMigrations::fromEmptyToLatest() {
    ScratchDatabase db(QStringLiteral("mig_empty"));
    PgConnection c = PgConnection::open(db.conninfo);
    QCOMPARE(Migrations::currentVersion(c), 0);
    // An existing schema quiver without schema_version still counts as version 0.
    c.exec(QStringLiteral("CREATE SCHEMA quiver"));
    QCOMPARE(Migrations::currentVersion(c), 0);

    QCOMPARE(Migrations::apply(c), Migrations::latestVersion());
    QCOMPARE(Migrations::currentVersion(c), Migrations::latestVersion());
    for (const QString& table : kTables) {
        const PgResult r = c.exec(QStringLiteral("SELECT to_regclass($1) IS NOT NULL"),
                                  {QStringLiteral("quiver.") + table});
        QVERIFY2(r.toBool(0, 0), qPrintable(table));
    }
    const PgResult versions = c.exec(QStringLiteral("SELECT version, name, applied_at IS NOT NULL "
                                                    "FROM quiver.schema_version ORDER BY version"));
    QCOMPARE(versions.rows(), Migrations::latestVersion());
    for (int i = 0; i < versions.rows(); ++i) {
        QCOMPARE(versions.toInt64(i, 0), i + 1);
        QCOMPARE(versions.text(i, 1), Migrations::name(i + 1));
        QVERIFY(versions.toBool(i, 2));
    }
    // Nothing leaks into public.
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                 .toInt64(0, 0),
             0);
}

void TestMigrations::rerunIsNoOp() {
    PgConnection& c = *m_conn;
    const QString before =
        c.exec(QStringLiteral("SELECT string_agg(version || '@' || applied_at, ',') "
                              "FROM quiver.schema_version"))
            .text(0, 0);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(Migrations::apply(c), Migrations::latestVersion());
    const QString after =
        c.exec(QStringLiteral("SELECT string_agg(version || '@' || applied_at, ',') "
                              "FROM quiver.schema_version"))
            .text(0, 0);
    QCOMPARE(after, before);
    QCOMPARE(count(c, QStringLiteral("schema_version")), Migrations::latestVersion());
}

void TestMigrations::newerSchemaIsRefused() {
    ScratchDatabase db(QStringLiteral("mig_newer"));
    PgConnection c = PgConnection::open(db.conninfo);
    Migrations::apply(c);
    const int future = Migrations::latestVersion() + 6;
    c.exec(QStringLiteral("INSERT INTO quiver.schema_version (version, name) VALUES ($1, $2)"),
           {future, QStringLiteral("from the future")});
    QCOMPARE(Migrations::currentVersion(c), future);
    try {
        Migrations::apply(c);
        QFAIL("a newer schema was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.kind(), DbError::Kind::SchemaTooNew);
        QVERIFY(e.message().contains(QString::number(future)));
        QVERIFY(e.message().contains(QString::number(Migrations::latestVersion())));
        const QString expected =
            QStringLiteral("This database was set up by a newer Quiver (schema version %1; this "
                           "Quiver knows up to %2). Update Quiver to use it.")
                .arg(future)
                .arg(Migrations::latestVersion());
        QCOMPARE(e.userMessage(), expected);
    }
    // Nothing was changed by the refused attempt.
    QCOMPARE(count(c, QStringLiteral("schema_version")), Migrations::latestVersion() + 1);
    // Status still reports the versions, so the user sees why.
    const quiver::DatabaseStatus s = quiver::readDatabaseStatus(c);
    QCOMPARE(s.schemaVersion, future);
    QCOMPARE(s.latestSchemaVersion, Migrations::latestVersion());
}

void TestMigrations::concurrentMigrationsAgree() {
    ScratchDatabase db(QStringLiteral("mig_race"));
    constexpr int kThreads = 4;
    std::vector<PgConnection> conns;
    for (int i = 0; i < kThreads; ++i)
        conns.push_back(PgConnection::open(db.conninfo));
    std::barrier start(kThreads);
    std::vector<int> results(kThreads, -1);
    std::vector<QString> errors(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        // Each thread uses only its own connection.
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                results[static_cast<size_t>(i)] = Migrations::apply(conns[static_cast<size_t>(i)]);
            } catch (const std::exception& e) {
                errors[static_cast<size_t>(i)] = QString::fromUtf8(e.what());
            }
        });
    }
    for (auto& t : threads)
        t.join();
    for (int i = 0; i < kThreads; ++i) {
        QVERIFY2(errors[static_cast<size_t>(i)].isEmpty(),
                 qPrintable(errors[static_cast<size_t>(i)]));
        QCOMPARE(results[static_cast<size_t>(i)], Migrations::latestVersion());
    }
    PgConnection& c = conns.front();
    QCOMPARE(count(c, QStringLiteral("schema_version")), Migrations::latestVersion());
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'quiver'"))
                 .toInt64(0, 0),
             kTables.size());
}

void TestMigrations::deletingCascades() {
    PgConnection& c = *m_conn;
    const qint64 collection =
        c.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ($1) RETURNING id"),
               {QStringLiteral("cascade")})
            .toInt64(0, 0);
    QList<qint64> docs;
    for (const QString& path : {QStringLiteral("/a.txt"), QStringLiteral("/b.txt")}) {
        docs << c.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path, title) "
                                      "VALUES ($1, $2, $3) RETURNING id"),
                       {collection, path, QStringLiteral("t")})
                    .toInt64(0, 0);
    }
    for (const qint64 doc : docs) {
        for (int ord = 0; ord < 3; ++ord) {
            const qint64 chunk =
                c.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text, "
                                      "char_start, char_end) VALUES ($1, $2, $3, 0, 4) "
                                      "RETURNING id"),
                       {doc, ord, QStringLiteral("text")})
                    .toInt64(0, 0);
            for (const QString& model : {QStringLiteral("m1"), QStringLiteral("m2")}) {
                c.exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, "
                                      "dimensions, vector) VALUES ($1, $2, 3, $3)"),
                       {chunk, model, QVariant::fromValue(QList<float>{1, 2, 3})});
                c.exec(QStringLiteral("INSERT INTO quiver.embedding_queue (chunk_id, model) "
                                      "VALUES ($1, $2)"),
                       {chunk, model});
            }
        }
    }
    QCOMPARE(count(c, QStringLiteral("chunks")), 6);
    QCOMPARE(count(c, QStringLiteral("embeddings")), 12);

    c.exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {docs[0]});
    QCOMPARE(count(c, QStringLiteral("documents")), 1);
    QCOMPARE(count(c, QStringLiteral("chunks")), 3);
    QCOMPARE(count(c, QStringLiteral("embeddings")), 6);
    QCOMPARE(count(c, QStringLiteral("embedding_queue")), 6);
    // No row points at the deleted document, directly or through a chunk.
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM quiver.embeddings e "
                                   "LEFT JOIN quiver.chunks ch ON ch.id = e.chunk_id "
                                   "WHERE ch.id IS NULL"))
                 .toInt64(0, 0),
             0);

    c.exec(QStringLiteral("DELETE FROM quiver.collections WHERE id = $1"), {collection});
    for (const QString& table : {QStringLiteral("documents"), QStringLiteral("chunks"),
                                 QStringLiteral("embeddings"), QStringLiteral("embedding_queue")})
        QCOMPARE(count(c, table), 0);

    // A document without a collection, or a chunk without a document, is refused.
    try {
        c.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text) "
                              "VALUES (999999, 0, 'x')"));
        QFAIL("an orphan chunk was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.sqlState(), QStringLiteral("23503"));
    }
}

// The link from chunks to documents is kept by triggers (migration 10); what the foreign key
// promised must hold for COPY, for updates, for TRUNCATE and against a concurrent delete.
void TestMigrations::chunkDocumentLinkHoldsWithoutAForeignKey() {
    ScratchDatabase db(QStringLiteral("chunklink"));
    PgConnection c = PgConnection::open(db.conninfo);
    Migrations::apply(c);
    const qint64 collection =
        c.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('link') RETURNING id"))
            .toInt64(0, 0);
    const auto addDocument = [&](const QString& path) {
        return c
            .exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path) "
                                 "VALUES ($1, $2) RETURNING id"),
                  {collection, path})
            .toInt64(0, 0);
    };
    const qint64 a = addDocument(QStringLiteral("/a"));
    const qint64 b = addDocument(QStringLiteral("/b"));
    const auto copyChunks = [&](const QByteArray& rows) {
        bool sent = false;
        return c.copyIn(
            QStringLiteral("COPY quiver.chunks (document_id, ordinal, text) FROM STDIN"),
            [&](QByteArray& out) {
                if (sent)
                    return false;
                out = rows;
                sent = true;
                return true;
            });
    };
    const auto sqlState = [&](const std::function<void()>& f) {
        try {
            c.transaction(f);
        } catch (const DbError& e) {
            return e.sqlState();
        }
        return QString();
    };

    // COPY: every row's document must exist; one orphan refuses the whole statement.
    const QByteArray good = QByteArray::number(a) + "\t0\tone\n" + QByteArray::number(b) +
                            "\t0\ttwo\n" + QByteArray::number(a) + "\t1\tthree\n";
    QCOMPARE(copyChunks(good), 3);
    QCOMPARE(
        sqlState([&] { copyChunks(QByteArray::number(b) + "\t1\tfine\n999999\t0\torphan\n"); }),
        QStringLiteral("23503"));
    QCOMPARE(count(c, QStringLiteral("chunks")), 3);

    // Moving a chunk: to a document that exists, yes; to one that does not, no.
    c.exec(QStringLiteral("UPDATE quiver.chunks SET document_id = $1, ordinal = 5 "
                          "WHERE text = 'three'"),
           {b});
    QCOMPARE(sqlState([&] {
                 c.exec(QStringLiteral("UPDATE quiver.chunks SET document_id = 999999 "
                                       "WHERE text = 'one'"));
             }),
             QStringLiteral("23503"));
    // A document's id is fixed.
    QCOMPARE(sqlState([&] {
                 c.exec(QStringLiteral("UPDATE quiver.documents SET id = 999999 WHERE id = $1"),
                        {a});
             }),
             QStringLiteral("23503"));

    // A delete that comes while another transaction adds chunks to the document waits for it,
    // and then removes those chunks too.
    PgConnection adder = PgConnection::open(db.conninfo);
    adder.exec(QStringLiteral("BEGIN"));
    adder.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text) "
                              "VALUES ($1, 7, 'late')"),
               {a});
    const int adderPid = adder.backendPid();
    QString deleteError;
    std::thread deleter([&db, &deleteError, a]() {
        try {
            PgConnection d = PgConnection::open(db.conninfo);
            d.exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {a});
        } catch (const DbError& e) {
            deleteError = e.message();
        }
    });
    // The delete is blocked by the adder's lock.
    const auto blockedByAdder = [&]() {
        return c.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                     "WHERE $1 = ANY(pg_blocking_pids(pid))"),
                      {adderPid})
                   .toInt64(0, 0) > 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(blockedByAdder(), 20000);
    adder.exec(QStringLiteral("COMMIT"));
    deleter.join();
    QVERIFY2(deleteError.isEmpty(), qPrintable(deleteError));
    QCOMPARE(
        c.exec(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE document_id = $1"), {a})
            .toInt64(0, 0),
        0);
    QCOMPARE(count(c, QStringLiteral("chunks")), 2); // b's two

    // TRUNCATE skips row triggers; truncating documents empties chunks all the same.
    c.exec(QStringLiteral("TRUNCATE quiver.documents"));
    QCOMPARE(count(c, QStringLiteral("chunks")), 0);
}

namespace {
struct RollBack {};
} // namespace

void TestMigrations::embeddingsMustBeWellFormed() {
    PgConnection& c = *m_conn;
    QVERIFY_THROWS_EXCEPTION(RollBack, c.transaction([&] {
        const qint64 coll =
            c.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('emb') "
                                  "RETURNING id"))
                .toInt64(0, 0);
        const qint64 doc = c.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, "
                                                 "path) VALUES ($1, '/e') RETURNING id"),
                                  {coll})
                               .toInt64(0, 0);
        const qint64 chunk = c.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, "
                                                   "ordinal, text) VALUES ($1, 0, 'e') "
                                                   "RETURNING id"),
                                    {doc})
                                 .toInt64(0, 0);
        const auto refused = [&](int dims, const QString& vectorSql) {
            try {
                c.transaction([&] {
                    c.exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, "
                                          "dimensions, vector) VALUES ($1, 'm', $2, ") +
                               vectorSql + QLatin1Char(')'),
                           {chunk, dims});
                });
                return QString();
            } catch (const DbError& e) {
                return e.sqlState();
            }
        };
        QCOMPARE(refused(4, QStringLiteral("'{1,2,3}'")), QStringLiteral("23514"));
        QCOMPARE(refused(0, QStringLiteral("'{}'")), QStringLiteral("23514"));
        QCOMPARE(refused(3, QStringLiteral("'{1,NULL,3}'")), QStringLiteral("23514"));
        QCOMPARE(refused(4, QStringLiteral("'{{1,2},{3,4}}'")), QStringLiteral("23514"));
        QCOMPARE(refused(3, QStringLiteral("'{1,2,3}'")), QString()); // well-formed
        QCOMPARE(refused(3, QStringLiteral("'{1,2,3}'")),
                 QStringLiteral("23505")); // once per model
        throw RollBack{};                  // leave no rows behind for the other tests
    }));
    QCOMPARE(count(c, QStringLiteral("chunks")), 0);
}

void TestMigrations::sha256MustBeLowercaseHex() {
    PgConnection& c = *m_conn;
    QVERIFY_THROWS_EXCEPTION(RollBack, c.transaction([&] {
        const qint64 coll =
            c.exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('sha') "
                                  "RETURNING id"))
                .toInt64(0, 0);
        int paths = 0; // every document at a path of its own
        const auto sqlState = [&](const QString& table, const QVariant& sha) {
            const QString path = QStringLiteral("/s%1").arg(++paths);
            try {
                c.transaction([&] {
                    if (table == QLatin1String("documents")) {
                        c.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, "
                                              "path, sha256) VALUES ($1, $2, $3)"),
                               {coll, path, sha});
                        return;
                    }
                    const qint64 doc =
                        c.exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, "
                                              "path) VALUES ($1, $2) RETURNING id"),
                               {coll, path})
                            .toInt64(0, 0);
                    c.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, "
                                          "text, sha256) VALUES ($1, 0, 'c', $2)"),
                           {doc, sha});
                });
                return QString();
            } catch (const DbError& e) {
                return e.sqlState();
            }
        };
        const QString hex = QStringLiteral("0123456789abcdef").repeated(4);
        for (const QString& table : {QStringLiteral("documents"), QStringLiteral("chunks")}) {
            QCOMPARE(sqlState(table, hex), QString());
            QCOMPARE(sqlState(table, QVariant()), QString()); // not known yet
            QCOMPARE(sqlState(table, hex.toUpper()), QStringLiteral("23514"));
            QCOMPARE(sqlState(table, hex.left(63)), QStringLiteral("23514"));
            QCOMPARE(sqlState(table, hex + QLatin1Char('0')), QStringLiteral("23514"));
            QCOMPARE(sqlState(table, hex.left(63) + QLatin1Char('g')), QStringLiteral("23514"));
            QCOMPARE(sqlState(table, hex.left(62) + QStringLiteral("\u00e9")),
                     QStringLiteral("23514")); // 64 bytes, not 64 digits
            QCOMPARE(sqlState(table, hex.left(63) + QLatin1Char('\n')), QStringLiteral("23514"));
        }
        throw RollBack{}; // leave no rows behind for the other tests
    }));
    QCOMPARE(count(c, QStringLiteral("documents")), 0);
}

void TestMigrations::jobConfigRefusesSecrets_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("refused");
    for (const char* k :
         {"api_key", "apiKey", "apikey", "API_KEY", "openai_api_key", "password", "db-password",
          "secret", "client_secret", "token", "access_token", "accessToken", "Token"})
        QTest::newRow(k) << QString::fromUtf8(k) << true;
    for (const char* k : {"key_name", "keychain_entry", "profile", "model", "max_tokens",
                          "token_limit", "batch_size", "secret_ref_name", "api_key_profile"})
        QTest::newRow(k) << QString::fromUtf8(k) << false;
}

void TestMigrations::jobConfigRefusesSecrets() {
    QFETCH(QString, key);
    QFETCH(bool, refused);
    const QString secret = QStringLiteral("sk-live-0123456789abcdef");
    const QJsonObject config{{key, secret}, {QStringLiteral("batch_size"), 64}};
    try {
        m_conn->transaction([&](PgConnection& conn) {
            conn.exec(QStringLiteral("INSERT INTO quiver.jobs (name, proc, config) "
                                     "VALUES ($1, 'embed_pending', $2::jsonb)"),
                      {QStringLiteral("job-") + key, config});
            throw std::logic_error("accepted");
        });
    } catch (const DbError& e) {
        QVERIFY2(refused, qPrintable(e.message()));
        QCOMPARE(e.sqlState(), QStringLiteral("23514"));
        QVERIFY2(e.message().contains(QLatin1String("jobs_config_has_no_secrets")),
                 qPrintable(e.message()));
        // The rejected value must not travel on in the error.
        QVERIFY(!e.message().contains(QLatin1String("0123456789abcdef")));
        QVERIFY(!e.detail().contains(QLatin1String("0123456789abcdef")));
        QVERIFY(!e.userMessage().contains(QLatin1String("0123456789abcdef")));
        QVERIFY(!QString::fromUtf8(e.what()).contains(QLatin1String("0123456789abcdef")));
        return;
    } catch (const std::logic_error&) {
        QVERIFY2(!refused, "a secret-looking key was accepted");
        return;
    }
    QFAIL("unreachable");
}

void TestMigrations::jobDefaultsAndChecks() {
    PgConnection& c = *m_conn;
    const PgResult r = c.exec(QStringLiteral(
        "INSERT INTO quiver.jobs (name, proc) VALUES ('embed-default', 'embed_pending') RETURNING "
        "schedule_interval = interval '10 seconds', fixed_schedule, max_retries, "
        "retry_period = interval '1 minute', config = '{}'::jsonb, scheduled, total_runs, "
        "consecutive_failures, id"));
    QVERIFY(r.toBool(0, 0));
    QVERIFY(r.toBool(0, 1));
    QCOMPARE(r.toInt64(0, 2), -1);
    QVERIFY(r.toBool(0, 3));
    QVERIFY(r.toBool(0, 4));
    QVERIFY(r.toBool(0, 5));
    QCOMPARE(r.toInt64(0, 6), 0);
    QCOMPARE(r.toInt64(0, 7), 0);
    const qint64 job = r.toInt64(0, 8);

    const auto state = [&](const QString& sql, const QVariantList& params = {}) {
        try {
            c.transaction([&] { c.exec(sql, params); });
            return QString();
        } catch (const DbError& e) {
            return e.sqlState();
        }
    };
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.jobs (name, proc, schedule_interval) "
                                  "VALUES ('neg', 'embed_pending', '-1 second')")),
             QStringLiteral("23514"));
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.jobs (name, proc, max_retries) "
                                  "VALUES ('mr', 'embed_pending', -2)")),
             QStringLiteral("23514"));
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.jobs (name, proc, config) "
                                  "VALUES ('arr', 'embed_pending', '[1,2]')")),
             QStringLiteral("23514"));
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.jobs (name, proc) "
                                  "VALUES ('embed-default', 'embed_pending')")),
             QStringLiteral("23505"));
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.job_runs (job_id, status) "
                                  "VALUES ($1, 'exploded')"),
                   {job}),
             QStringLiteral("23514"));
    // A finished run needs finished_at; a running one must not have it.
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.job_runs (job_id, status) "
                                  "VALUES ($1, 'success')"),
                   {job}),
             QStringLiteral("23514"));
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.job_runs (job_id, status, finished_at, "
                                  "worker) VALUES ($1, 'success', now(), 'host:1')"),
                   {job}),
             QString());
    QCOMPARE(state(QStringLiteral("INSERT INTO quiver.job_runs (job_id) VALUES ($1)"), {job}),
             QString());
    QCOMPARE(count(c, QStringLiteral("job_runs")), 2);
    c.exec(QStringLiteral("DELETE FROM quiver.jobs WHERE id = $1"), {job});
    QCOMPARE(count(c, QStringLiteral("job_runs")), 0);
}

void TestMigrations::databaseStatusCounts() {
    ScratchDatabase db(QStringLiteral("mig_status"));
    PgConnection c = PgConnection::open(db.conninfo);
    quiver::DatabaseStatus s = quiver::readDatabaseStatus(c);
    QCOMPARE(s.schemaVersion, 0);
    QCOMPARE(s.latestSchemaVersion, Migrations::latestVersion());
    QCOMPARE(s.documents, 0);
    QCOMPARE(s.serverVersion, c.serverVersion());
    QCOMPARE(s.describe, c.describe());

    Migrations::apply(c);
    c.execScript(
        QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('c1'), ('c2');"
                       "INSERT INTO quiver.documents (collection_id, path) "
                       "  SELECT id, '/doc' FROM quiver.collections;"
                       "INSERT INTO quiver.chunks (document_id, ordinal, text) "
                       "  SELECT d.id, g, 't' FROM quiver.documents d, generate_series(0, 4) g;"
                       "INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
                       "  SELECT id, m, 2, '{1,2}' FROM quiver.chunks, (VALUES ('a'), ('b')) v(m) "
                       "  WHERE ordinal < 2;"
                       "INSERT INTO quiver.jobs (name, proc) VALUES ('j', 'sync_index');"
                       "INSERT INTO quiver.job_runs (job_id) SELECT id FROM quiver.jobs;"));
    s = quiver::readDatabaseStatus(c);
    QCOMPARE(s.schemaVersion, Migrations::latestVersion());
    QCOMPARE(s.collections, 2);
    QCOMPARE(s.documents, 2);
    QCOMPARE(s.chunks, 10);
    QCOMPARE(s.embeddings, 8);
    QCOMPARE(s.pendingChunks, 6);
    QCOMPARE(s.jobs, 2); // with the embed_pending job of a fresh database
    QCOMPARE(s.jobRuns, 2);
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
