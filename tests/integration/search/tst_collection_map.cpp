// The collection map from a real database: a library of known topics becomes one named group
// per topic; the sample is bounded and stable; rows the map cannot use are skipped, not fatal.

#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/map/collection_map_builder.h"
#include "core/map/map_layout.h"
#include "core/map/map_sample_reader.h"
#include "core/map/map_service.h"
#include "core/session/database_target.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/topic_fixture.h"

#include <QSignalSpy>
#include <QTest>

#include <map>
#include <set>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
const QString kModel = QStringLiteral("test-model");
constexpr int kPerTopic = 40;

DatabaseTarget commandLineTarget(const QString& conninfo) {
    DatabaseTarget t;
    t.source = DatabaseTarget::Source::CommandLine;
    t.conninfo = conninfo;
    return t;
}
} // namespace

class TestCollectionMap : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void topicsBecomeNamedGroups();
    void sampleIsBoundedAndStable();
    void unusableVectorsAreSkipped();
    void cancellingStops();
    void serviceAnswersOnTheCallersThread();
    void emptyLibraryGivesAnEmptyMap();

private:
    QString m_conninfo;
    std::vector<test::TopicPassage> m_passages;
};

void TestCollectionMap::initTestCase() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("collectionmap"));
    PgConnection c = PgConnection::open(m_conninfo);
    Migrations::apply(c);
    m_passages = test::addTopicLibrary(c, kModel, kPerTopic);
}

void TestCollectionMap::cleanupTestCase() {
    if (!m_conninfo.isEmpty())
        TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestCollectionMap::topicsBecomeNamedGroups() {
    PgConnection c = PgConnection::open(m_conninfo);
    std::vector<double> reported;
    CollectionMapBuilder builder([&](double f, const QString&) { reported.push_back(f); }, {});
    MapBuildOptions options;
    options.threads = 2;
    const CollectionMap map = builder.build(c, options);
    QCOMPARE(map.model, kModel);
    QCOMPARE(map.totalPassages, qint64(m_passages.size()));
    QCOMPARE(map.passages.size(), m_passages.size());
    QVERIFY(!reported.empty());
    QCOMPARE(reported.back(), 1.0);
    QVERIFY(std::is_sorted(reported.begin(), reported.end()));

    std::map<qint64, int> topicOf;
    for (const auto& p : m_passages)
        topicOf[p.chunkId] = p.topic;
    const auto& topics = test::fixtureTopics();
    QCOMPARE(map.clusters.size(), std::size_t(topics.size()));
    // Each group holds one topic, whole; and is named by that topic's words.
    std::map<int, std::set<int>> topicsOfGroup;
    std::map<int, std::set<int>> groupsOfTopic;
    for (const MapPassage& p : map.passages) {
        QVERIFY(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1);
        QVERIFY(topicOf.count(p.chunkId));
        topicsOfGroup[p.cluster].insert(topicOf[p.chunkId]);
        groupsOfTopic[topicOf[p.chunkId]].insert(p.cluster);
        QCOMPARE(p.collection, topics[topicOf[p.chunkId]].collection);
        QVERIFY(p.text.contains(topics[topicOf[p.chunkId]].words.first()) ||
                p.text.contains(topics[topicOf[p.chunkId]].words[1]));
    }
    for (const auto& [group, held] : topicsOfGroup)
        QCOMPARE(held.size(), std::size_t(1));
    for (const auto& [topic, groups] : groupsOfTopic)
        QCOMPARE(groups.size(), std::size_t(1));
    for (std::size_t g = 0; g < map.clusters.size(); ++g) {
        const MapCluster& cluster = map.clusters[g];
        QCOMPARE(cluster.size, kPerTopic);
        QVERIFY(!cluster.words.isEmpty());
        const int topic = *topicsOfGroup[static_cast<int>(g)].begin();
        QVERIFY2(topics[topic].words.contains(cluster.words.first()),
                 qPrintable(cluster.words.join(QLatin1Char(','))));
        for (const QString& word : cluster.words)
            QVERIFY2(word.size() >= 3 && !word.front().isDigit(), qPrintable(word));
        // The name sits where the group is drawn.
        double x = 0, y = 0;
        for (const MapPassage& p : map.passages)
            if (p.cluster == static_cast<int>(g)) {
                x += double(p.x);
                y += double(p.y);
            }
        QVERIFY(std::abs(x / kPerTopic - double(cluster.x)) < 0.1);
        QVERIFY(std::abs(y / kPerTopic - double(cluster.y)) < 0.1);
    }
}

void TestCollectionMap::sampleIsBoundedAndStable() {
    PgConnection c = PgConnection::open(m_conninfo);
    const MapSample first = MapSampleReader(c).read(kModel, 50);
    const MapSample second = MapSampleReader(c).read(kModel, 50);
    QCOMPARE(first.passages.size(), std::size_t(50));
    QCOMPARE(first.totalPassages, qint64(m_passages.size()));
    QCOMPARE(first.dimensions, 32);
    QCOMPARE(first.vectors.size(), std::size_t(50 * 32));
    QCOMPARE(first.skipped, 0);
    std::set<int> topics;
    std::map<qint64, int> topicOf;
    for (const auto& p : m_passages)
        topicOf[p.chunkId] = p.topic;
    for (std::size_t i = 0; i < first.passages.size(); ++i) {
        QCOMPARE(first.passages[i].chunkId, second.passages[i].chunkId);
        topics.insert(topicOf.at(first.passages[i].chunkId));
    }
    // Hashed ids spread the sample: not the first 50 rows, which are all of one topic.
    QCOMPARE(topics.size(), std::size_t(3));
    // Another model's vectors are not read.
    QCOMPARE(MapSampleReader(c).read(QStringLiteral("other-model"), 50).passages.size(),
             std::size_t(0));
}

void TestCollectionMap::unusableVectorsAreSkipped() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("mapbad"));
    {
        PgConnection c = PgConnection::open(conninfo);
        Migrations::apply(c);
        test::addTopicLibrary(c, kModel, 5);
        const qint64 collection = test::addCollection(c, QStringLiteral("Odd"));
        const qint64 doc =
            test::addDocument(c, collection, QStringLiteral("/odd.txt"), QStringLiteral("Odd"));
        const qint64 shorter = test::addChunk(c, doc, 0, QStringLiteral("short vector"));
        test::addEmbedding(c, shorter, kModel, std::vector<float>(8, 0.5f));
        const qint64 nan = test::addChunk(c, doc, 1, QStringLiteral("not a number"));
        c.exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
                              "VALUES ($1, $2, 32, array_fill('NaN'::real, ARRAY[32]))"),
               {nan, kModel});
    }
    PgConnection c = PgConnection::open(conninfo);
    const MapSample sample = MapSampleReader(c).read(kModel, 1000);
    QCOMPARE(sample.totalPassages, qint64(17));
    QCOMPARE(sample.skipped, 2);
    QCOMPARE(sample.passages.size(), std::size_t(15));
    const CollectionMap map = CollectionMapBuilder({}, {}).build(c, MapBuildOptions{});
    QCOMPARE(map.passages.size(), std::size_t(15));
    TestPostgres::instance().dropDatabase(conninfo);
}

void TestCollectionMap::cancellingStops() {
    PgConnection c = PgConnection::open(m_conninfo);
    int polls = 0;
    CollectionMapBuilder builder({}, [&polls] { return ++polls > 1; });
    QVERIFY_THROWS_EXCEPTION(map::MapCancelled, builder.build(c, MapBuildOptions{}));
    QVERIFY(polls >= 2);
}

void TestCollectionMap::serviceAnswersOnTheCallersThread() {
    MapService service;
    QSignalSpy ready(&service, &MapService::ready);
    QSignalSpy progress(&service, &MapService::progress);
    QSignalSpy failed(&service, &MapService::failed);
    service.compute(commandLineTarget(m_conninfo));
    QVERIFY(service.running());
    QVERIFY2(ready.wait(120000),
             failed.isEmpty() ? "timed out" : qPrintable(failed.first().first().toString()));
    QVERIFY(!service.running());
    const auto map = ready.first().first().value<std::shared_ptr<const CollectionMap>>();
    QVERIFY(map);
    QCOMPARE(map->passages.size(), m_passages.size());
    QVERIFY(!progress.isEmpty());

    // A second request replaces the first: one answer only, the newest.
    ready.clear();
    QSignalSpy cancelled(&service, &MapService::cancelled);
    service.compute(commandLineTarget(m_conninfo));
    service.compute(commandLineTarget(m_conninfo));
    QVERIFY(ready.wait(120000));
    QCOMPARE(ready.size(), 1);
    QCOMPARE(cancelled.size(), 0);
    service.compute(commandLineTarget(m_conninfo));
    service.cancel();
    QCOMPARE(cancelled.size(), 1);
    QVERIFY(!service.running());

    // A database that cannot be reached is a message, not a crash.
    service.compute(commandLineTarget(QStringLiteral("host=/nonexistent-quiver-socket dbname=x")));
    QVERIFY(failed.wait(120000));
    QVERIFY(failed.first().first().toString().startsWith(QStringLiteral("The map could not be")));
}

void TestCollectionMap::emptyLibraryGivesAnEmptyMap() {
    const QString conninfo = TestPostgres::instance().createDatabase(QStringLiteral("mapempty"));
    {
        PgConnection c = PgConnection::open(conninfo);
        Migrations::apply(c);
        const CollectionMap map = CollectionMapBuilder({}, {}).build(c, MapBuildOptions{});
        QVERIFY(map.model.isEmpty());
        QVERIFY(map.passages.empty());
        QVERIFY(map.clusters.empty());
    }
    TestPostgres::instance().dropDatabase(conninfo);
}

QTEST_GUILESS_MAIN(TestCollectionMap)
#include "tst_collection_map.moc"
