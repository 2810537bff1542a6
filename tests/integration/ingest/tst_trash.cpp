// The trash against the real PostgreSQL server of the ctest fixture, real `quiver-cli worker`
// processes and the fake embeddings server: a trashed document leaves every search (keyword
// index, vector index, hydration), comes back with its embeddings without a call to the
// provider, is never restored over a newer copy, and is emptied by `quiver-cli trash empty`
// and, once expired, by the workers.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/ingest/document_trash.h"
#include "core/ingest/importer.h"
#include "core/ingest/library_reader.h"
#include "core/jobs/job_runner.h"
#include "core/search/hybrid_search.h"
#include "core/search/keyword_index.h"
#include "core/search/search_index.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/ingest_fixtures.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"
#include "tests/integration/jobs/worker_process.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <utility>

using namespace quiver;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::TestPostgres;
namespace fx = quiver::test::fixtures;

namespace {
const QByteArray kKey = "sk-test-trash-key-0123456789";
} // namespace

class TestTrash : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void restoredDocumentComesBackWithItsEmbeddings();
    void aNewerCopyIsNeverOverwritten();
    void cliListsRestoresAndEmpties();
    void workersEmptyExpiredTrash();

private:
    qint64 count(const QString& sql, const QVariantList& params = {}) {
        return m_conn->exec(sql, params).toInt64(0, 0);
    }
    // Imports three notes into "Notes"; returns the id of the one about zeppelins.
    qint64 importNotes();
    // importNotes(), then its zeppelins and apricots into the trash, the apricots trashed
    // `apricotDays` days ago, the zeppelins `zeppelinDays` ago.
    std::pair<qint64, qint64> trashTwo(int zeppelinDays, int apricotDays);
    void embedEverything();
    test::CliRun cli(const QStringList& args) {
        return test::runCli(QStringList{QStringLiteral("--db"), m_conninfo} + args,
                            test::isolatedEnvironment(m_home.path()));
    }

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<FakeEmbeddingsServer> m_server;
    QTemporaryDir m_home;
    QTemporaryDir m_files;
    QString m_keyFile;
};

void TestTrash::initTestCase() {
    QVERIFY(m_home.isValid());
    // In-process runners read Quiver's settings from the isolated home, as the CLI does.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
    QCoreApplication::setOrganizationName(QStringLiteral("Quiver"));
    QCoreApplication::setApplicationName(QStringLiteral("Quiver"));
}

void TestTrash::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("trash"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    FakeEmbeddingsServer::Config config;
    config.requiredKey = QString::fromLatin1(kKey);
    m_server = std::make_unique<FakeEmbeddingsServer>(config);
    QVERIFY(m_files.isValid());
    m_keyFile = test::writeKeyFile(m_files, kKey);
    test::addFakeProfile(*m_conn, m_server->baseUrl(), 50, 1);
    // The key file goes only to an address approved on this machine (quiver-cli key approve).
    const QByteArray problem = test::approveKeyOrigin(m_conninfo, QStringLiteral("fake"),
                                                      test::isolatedEnvironment(m_home.path()));
    QVERIFY2(problem.isEmpty(), problem.constData());
}

void TestTrash::cleanup() {
    m_server.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
    QSettings().remove(DocumentTrash::daysKey());
}

qint64 TestTrash::importNotes() {
    const QString dir = m_files.filePath(QStringLiteral("Notes"));
    const bool written = QDir().mkpath(dir) &&
                         fx::writeFile(dir + QStringLiteral("/apricots.txt"),
                                       "Apricot orchards bloom early in the valley.") &&
                         fx::writeFile(dir + QStringLiteral("/zeppelins.txt"),
                                       "Zeppelins rested in a vast hangar near the lake.") &&
                         fx::writeFile(dir + QStringLiteral("/lighthouse.txt"),
                                       "The lighthouse keeper trimmed the lamp each night.");
    Importer importer(*m_conn, {});
    const ImportSummary s = importer.run({{dir}, {}});
    if (!written || s.failed != 0 || s.databaseLost)
        return 0;
    return count(QStringLiteral("SELECT id FROM quiver.documents WHERE path LIKE "
                                "'%/zeppelins.txt'"));
}

std::pair<qint64, qint64> TestTrash::trashTwo(int zeppelinDays, int apricotDays) {
    const qint64 zeppelins = importNotes();
    const qint64 apricots = count(QStringLiteral("SELECT id FROM quiver.documents WHERE path "
                                                 "LIKE '%/apricots.txt'"));
    if (zeppelins == 0 || LibraryReader(*m_conn).trashDocuments({zeppelins, apricots}) != 2)
        return {0, 0};
    const std::pair<qint64, int> ages[] = {{zeppelins, zeppelinDays}, {apricots, apricotDays}};
    for (const auto& [id, days] : ages)
        m_conn->exec(QStringLiteral("UPDATE quiver.trash_documents SET trashed_at = now() - "
                                    "make_interval(days => $2::int) WHERE id = $1"),
                     {id, days});
    return {zeppelins, apricots};
}

void TestTrash::embedEverything() {
    auto w =
        test::startWorker(m_conninfo,
                          {QStringLiteral("--profile"), QStringLiteral("fake"),
                           QStringLiteral("--api-key-file"), m_keyFile, QStringLiteral("--once")},
                          test::isolatedEnvironment(m_home.path()));
    QVERIFY2(test::finishedCleanly(*w, 120000), w->readAllStandardError().constData());
}

void TestTrash::restoredDocumentComesBackWithItsEmbeddings() {
    const qint64 zeppelins = importNotes();
    QVERIFY(zeppelins > 0);
    embedEverything();
    const qint64 chunks = count(QStringLiteral("SELECT count(*) FROM quiver.chunks"));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), chunks);
    QVERIFY(m_server->stats().inputs >= chunks);
    const QString vectorsBefore =
        m_conn
            ->exec(QStringLiteral("SELECT string_agg(e.chunk_id || ':' || e.vector::text, ';' "
                                  "ORDER BY e.chunk_id) FROM quiver.embeddings e JOIN "
                                  "quiver.chunks c ON c.id = e.chunk_id WHERE c.document_id = $1"),
                   {zeppelins})
            .text(0, 0);
    const qint64 chunk = count(
        QStringLiteral("SELECT id FROM quiver.chunks WHERE document_id = $1 ORDER BY ordinal"),
        {zeppelins});
    const QList<float> stored =
        m_conn
            ->exec(QStringLiteral("SELECT vector FROM quiver.embeddings WHERE chunk_id = $1"),
                   {chunk})
            .toFloatArray(0, 0);
    const std::vector<float> query(stored.begin(), stored.end());

    QTemporaryDir indexes;
    KeywordIndexOptions keywordOptions;
    keywordOptions.directory = indexes.path();
    KeywordIndex keywords(keywordOptions);
    keywords.open(*m_conn);
    SearchIndexOptions vectorOptions;
    vectorOptions.directory = indexes.path();
    const QString model =
        m_conn->exec(QStringLiteral("SELECT min(model) FROM quiver.embeddings")).text(0, 0);
    SearchIndex vectors(model, vectorOptions);
    vectors.open(*m_conn);
    const auto found = [&](SearchMode mode) {
        HybridSearch search(*m_conn, &keywords, &vectors,
                            [&query](const QString&) { return query; });
        SearchRequest r;
        r.text = QStringLiteral("zeppelins hangar");
        r.mode = mode;
        r.k = 10;
        for (const SearchHit& h : search.search(r)) {
            if (h.chunkId == chunk)
                return true;
        }
        return false;
    };
    const auto inIndexes = [&]() {
        bool any = false;
        for (const KeywordMatch& m : keywords.search(QStringLiteral("zeppelins hangar"), 10))
            any = any || m.chunkId == chunk;
        for (const RankedChunk& c : vectors.search(query, 10))
            any = any || c.chunkId == chunk;
        return any;
    };
    QVERIFY(found(SearchMode::Keyword));
    QVERIFY(found(SearchMode::Semantic));

    // The Library's Delete: into the trash, out of every search.
    QCOMPARE(LibraryReader(*m_conn).trashDocuments({zeppelins}), 1);
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM quiver.documents WHERE id = $1"), {zeppelins}),
        0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE document_id = $1"),
                   {zeppelins}),
             0);
    keywords.sync(*m_conn);
    vectors.sync(*m_conn);
    QVERIFY(!inIndexes());
    for (const SearchMode mode : {SearchMode::Keyword, SearchMode::Semantic, SearchMode::Hybrid})
        QVERIFY(!found(mode));
    const QList<TrashedDocument> trash = DocumentTrash(*m_conn).list();
    QCOMPARE(trash.size(), 1);
    QCOMPARE(trash.first().id, zeppelins);
    QCOMPARE(trash.first().reason, QStringLiteral("deleted in the Library"));
    QVERIFY(trash.first().embeddings > 0);

    // Restored: the same rows and vectors, found again, and nothing asked of the provider.
    m_server->resetStats();
    const DocumentTrash::Restored restored = DocumentTrash(*m_conn).restore({zeppelins});
    QCOMPARE(restored.restored, QList<qint64>{zeppelins});
    QVERIFY(restored.refused.isEmpty());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), chunks);
    QCOMPARE(m_conn
                 ->exec(QStringLiteral("SELECT string_agg(e.chunk_id || ':' || e.vector::text, "
                                       "';' ORDER BY e.chunk_id) FROM quiver.embeddings e JOIN "
                                       "quiver.chunks c ON c.id = e.chunk_id WHERE "
                                       "c.document_id = $1"),
                        {zeppelins})
                 .text(0, 0),
             vectorsBefore);
    keywords.sync(*m_conn);
    vectors.sync(*m_conn);
    QVERIFY(inIndexes());
    QVERIFY(found(SearchMode::Keyword));
    QVERIFY(found(SearchMode::Semantic));
    embedEverything();
    QCOMPARE(m_server->stats().requests, 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.embeddings")), chunks);
}

void TestTrash::aNewerCopyIsNeverOverwritten() {
    const qint64 zeppelins = importNotes();
    QVERIFY(zeppelins > 0);
    QCOMPARE(LibraryReader(*m_conn).trashDocuments({zeppelins}), 1);
    // The file is imported again: a new document at the same path.
    QVERIFY(importNotes() > 0);
    const qint64 newer = count(QStringLiteral("SELECT id FROM quiver.documents WHERE path LIKE "
                                              "'%/zeppelins.txt'"));
    QVERIFY(newer != zeppelins);
    const DocumentTrash::Restored r = DocumentTrash(*m_conn).restore({zeppelins, 987654});
    QVERIFY(r.restored.isEmpty());
    QCOMPARE(r.refused.size(), 2);
    QCOMPARE(r.refused[0].first, zeppelins);
    QVERIFY2(r.refused[0].second.contains(QLatin1String("is in the library again")),
             qPrintable(r.refused[0].second));
    QVERIFY(r.refused[1].second.contains(QLatin1String("no document 987654")));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 3);

    // Its collection deleted meanwhile: restoring makes it again, by name.
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {newer});
    m_conn->exec(QStringLiteral("DELETE FROM quiver.collections"));
    QCOMPARE(DocumentTrash(*m_conn).restore({zeppelins}).restored.size(), 1);
    QCOMPARE(m_conn
                 ->exec(QStringLiteral("SELECT c.name FROM quiver.documents d JOIN "
                                       "quiver.collections c ON c.id = d.collection_id"))
                 .text(0, 0),
             QStringLiteral("Notes"));
}

void TestTrash::cliListsRestoresAndEmpties() {
    const auto [zeppelins, apricots] = trashTwo(0, 40);
    QVERIFY(zeppelins > 0 && apricots > 0);

    auto r = cli({QStringLiteral("--json"), QStringLiteral("trash"), QStringLiteral("list")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject oldest = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(oldest.value(QStringLiteral("id")).toInteger(), apricots);
    QCOMPARE(oldest.value(QStringLiteral("collection")).toString(), QStringLiteral("Notes"));
    QVERIFY(oldest.value(QStringLiteral("chunks")).toInteger() > 0);
    QVERIFY(!oldest.value(QStringLiteral("expires_at")).toString().isEmpty());

    r = cli({QStringLiteral("trash"), QStringLiteral("empty"), QStringLiteral("--older-than"),
             QStringLiteral("30")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("deleted 1 document(s)"), r.out.constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_chunks WHERE "
                                  "document_id = $1"),
                   {apricots}),
             0);

    r = cli({QStringLiteral("trash"), QStringLiteral("restore"), QString::number(zeppelins),
             QString::number(apricots)});
    QCOMPARE(r.exitCode, 1); // apricots is gone for good
    QVERIFY2(r.out.contains(QStringLiteral("restored document %1").arg(zeppelins).toUtf8()),
             r.out.constData());
    QVERIFY2(r.err.contains(QStringLiteral("document %1 not restored").arg(apricots).toUtf8()),
             r.err.constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2);

    QCOMPARE(
        cli({QStringLiteral("trash"), QStringLiteral("restore"), QStringLiteral("x1")}).exitCode,
        2);
    QCOMPARE(cli({QStringLiteral("trash"), QStringLiteral("restore")}).exitCode, 2);
    QCOMPARE(cli({QStringLiteral("trash"), QStringLiteral("shred")}).exitCode, 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 0);
}

void TestTrash::workersEmptyExpiredTrash() {
    const auto [zeppelins, apricots] = trashTwo(8, 31);
    QVERIFY(zeppelins > 0 && apricots > 0);
    JobRunner::Options options;
    options.conninfo = m_conninfo;
    options.once = true;
    {
        JobRunner runner(options);
        QCOMPARE(runner.run(), 0);
    }
    // Thirty days by default: the 31-day-old one went, the 8-day-old one stays.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 1);
    QCOMPARE(count(QStringLiteral("SELECT id FROM quiver.trash_documents")), zeppelins);
    // library/trashDays shortens it.
    QSettings().setValue(DocumentTrash::daysKey(), 7);
    {
        JobRunner runner(options);
        QCOMPARE(runner.run(), 0);
    }
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 0);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 1);
}

QTEST_GUILESS_MAIN(TestTrash)
#include "tst_trash.moc"
