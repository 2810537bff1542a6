// SearchService, the GUI's handle on search, on its own thread against the real test server:
// a database opened before any passage had an embedding searches by keywords and says so, and
// searches by meaning as soon as embeddings arrive, without being opened again.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/search/search_service.h"
#include "core/session/database_target.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/search_fixture.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace quiver;
using quiver::test::TestPostgres;

class TestSearchService : public QObject {
    Q_OBJECT
private slots:
    void semanticSearchStartsWhenEmbeddingsArrive();
    void keywordsAnswerWhileTheIndexIsBuilt();
};

void TestSearchService::semanticSearchStartsWhenEmbeddingsArrive() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("searchsvc"));
    PgConnection c = PgConnection::open(conninfo);
    Migrations::apply(c);
    test::WordHashEmbedder embedder(16);
    const qint64 collection = test::addCollection(c, QStringLiteral("Notes"));
    const QStringList texts = {
        QStringLiteral("Planets follow elliptical orbits around the sun."),
        QStringLiteral("Knead the dough and bake the bread."),
        QStringLiteral("Quantum particles tunnel through barriers."),
    };
    QList<qint64> chunks;
    for (int i = 0; i < texts.size(); ++i) {
        const qint64 doc = test::addDocument(c, collection, QStringLiteral("/notes/%1.txt").arg(i),
                                             QStringLiteral("note %1").arg(i));
        chunks.append(test::addChunk(c, doc, 0, texts[i]));
    }

    QTemporaryDir dir;
    SearchService service;
    SearchIndexOptions options;
    options.directory = dir.path();
    service.setIndexOptions(options);
    service.setEmbedderFactory([&embedder](PgConnection&, const QString& model) {
        if (model != embedder.modelId())
            throw std::runtime_error("unexpected model");
        return QueryEmbedder(
            [&embedder](const QString& text) { return embedder.embed({text}).front(); });
    });
    QSignalSpy states(&service, &SearchService::stateChanged);
    QSignalSpy answers(&service, &SearchService::resultsReady);
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = conninfo;
    service.open(target);
    QTRY_COMPARE_WITH_TIMEOUT(service.state(), SearchService::State::Ready, 60000);
    QVERIFY2(states.last().at(1).toString().contains(QLatin1String("no passage has an embedding")),
             qPrintable(states.last().at(1).toString()));

    SearchRequest r;
    r.text = QStringLiteral("bake bread");
    r.mode = SearchMode::Semantic;
    int id = service.search(r);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 30000);
    QCOMPARE(answers.last().at(0).toInt(), id);
    QVERIFY(answers.last().at(2).toString().contains(QLatin1String("Keyword search only")));

    // The worker embeds the passages meanwhile.
    for (int i = 0; i < texts.size(); ++i)
        test::addEmbedding(c, chunks[i], embedder.modelId(), embedder.embed({texts[i]}).front());
    r.text = texts[1];
    id = service.search(r);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 60000);
    QCOMPARE(answers.last().at(0).toInt(), id);
    QCOMPARE(answers.last().at(2).toString(), QString());
    const auto hits = answers.last().at(1).value<QList<SearchHit>>();
    QVERIFY(!hits.isEmpty());
    QCOMPARE(hits.front().chunkId, chunks[1]);
    QVERIFY2(states.last().at(1).toString().contains(QLatin1String("3 passage")),
             qPrintable(states.last().at(1).toString()));
    TestPostgres::instance().dropDatabase(conninfo);
}

// The vector index is opened on a thread of its own: until it is, searches are answered by
// keywords (and say so), then by meaning too. The build is held up here by a lock the test takes
// on the embeddings when the service asks for its query embedder, just before the build starts.
void TestSearchService::keywordsAnswerWhileTheIndexIsBuilt() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("searchbuild"));
    PgConnection c = PgConnection::open(conninfo);
    Migrations::apply(c);
    test::WordHashEmbedder embedder(16);
    const qint64 collection = test::addCollection(c, QStringLiteral("Kitchen"));
    const QString text = QStringLiteral("Knead the dough and bake the bread.");
    const qint64 doc =
        test::addDocument(c, collection, QStringLiteral("/k/bread.txt"), QStringLiteral("bread"));
    const qint64 chunk = test::addChunk(c, doc, 0, text);
    test::addEmbedding(c, chunk, embedder.modelId(), embedder.embed({text}).front());

    PgConnection blocker = PgConnection::open(conninfo);
    bool locked = false;
    QTemporaryDir dir;
    SearchService service;
    SearchIndexOptions options;
    options.directory = dir.path();
    service.setIndexOptions(options);
    service.setEmbedderFactory([&](PgConnection&, const QString&) {
        // On the service's thread, before the index's thread starts; the test thread uses the
        // blocker again only after the answer this makes possible has come back.
        blocker.exec(QStringLiteral("BEGIN"));
        blocker.exec(QStringLiteral("LOCK TABLE quiver.embeddings IN ACCESS EXCLUSIVE MODE"));
        locked = true;
        return QueryEmbedder([&embedder](const QString& t) { return embedder.embed({t}).front(); });
    });
    QSignalSpy answers(&service, &SearchService::resultsReady);
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = conninfo;
    service.open(target);

    SearchRequest r;
    r.text = QStringLiteral("bread");
    r.mode = SearchMode::Hybrid;
    int id = service.search(r);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 60000);
    QVERIFY(locked);
    QCOMPARE(answers.last().at(0).toInt(), id);
    QVERIFY2(answers.last().at(2).toString().contains(QLatin1String("meaning-based search joins")),
             qPrintable(answers.last().at(2).toString()));
    QCOMPARE(answers.last().at(1).value<QList<SearchHit>>().size(), 1);
    QVERIFY(service.state() != SearchService::State::Ready);

    blocker.exec(QStringLiteral("COMMIT"));
    QTRY_COMPARE_WITH_TIMEOUT(service.state(), SearchService::State::Ready, 60000);
    id = service.search(r);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 60000);
    QCOMPARE(answers.last().at(0).toInt(), id);
    QCOMPARE(answers.last().at(2).toString(), QString());
    QCOMPARE(answers.last().at(1).value<QList<SearchHit>>().front().chunkId, chunk);
    TestPostgres::instance().dropDatabase(conninfo);
}

QTEST_GUILESS_MAIN(TestSearchService)
#include "tst_search_service.moc"
