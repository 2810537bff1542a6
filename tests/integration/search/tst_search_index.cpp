// The vector index kept in step with PostgreSQL: disk base + delta + deletions, persistence,
// damaged/foreign files, merges, filters and recall, against the real test server.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/search/embedding_source.h"
#include "core/search/index_verifier.h"
#include "core/search/search_index.h"
#include "tests/harness/snapshot_horizon.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/search_fixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <optional>
#include <random>
#include <set>
#include <thread>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
const QString kModel = QStringLiteral("test-random-32");
constexpr int kDims = 32;
constexpr int kPerCollection = 600;

SearchFilters inCollection(qint64 collection) {
    SearchFilters f;
    f.collectionIds = {collection};
    return f;
}
} // namespace

class TestSearchIndex : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void buildsADiskBaseAndLoadsItAgain();
    void recallAgainstExactSearch();
    void collectionFilterNeverLeaks();
    void insertsAndDeletionsReachTheIndexAndSurviveARestart();
    void prunedDeletionLogRebuildsAStaleIndex();
    void damagedBaseFileIsRebuilt();
    void foreignIndexIsRebuilt();
    void backgroundMergeSwapsInANewBase();
    void mergeFallsBackToARebuild();
    void buildCanBeCancelled();
    void copyOutCancelLeavesConnectionUsable();
    void vectorsOfAnotherLengthAreLeftOut();
    void twoProgramsShareOneIndexFolder();
    void typeAndDateFiltersFindRarePassages();

private:
    SearchIndexOptions options() const;
    void waitForHorizonPast(const QString& txid);
    qint64 addVectors(qint64 collection, int count);
    std::vector<float> storedVector(qint64 chunk);

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    QTemporaryDir m_dir;
    std::mt19937 m_rng{7};
    QList<qint64> m_collections;
    std::vector<std::vector<float>> m_centres;
};

void TestSearchIndex::waitForHorizonPast(const QString& txid) {
    QVERIFY(!txid.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(test::snapshotHorizonPast(*m_conn, txid), 120000);
}

SearchIndexOptions TestSearchIndex::options() const {
    SearchIndexOptions o;
    o.directory = m_dir.path();
    o.exactBelow = 300;
    o.mergeAbove = 1000000; // merges only where a test asks for them
    o.build.maxDegree = 32;
    o.build.buildListSize = 64;
    return o;
}

qint64 TestSearchIndex::addVectors(qint64 collection, int count) {
    PgConnection& c = *m_conn;
    const qint64 doc =
        test::addDocument(c, collection, QStringLiteral("/v/%1-%2").arg(collection).arg(m_rng()),
                          QStringLiteral("vectors"));
    const PgResult ids =
        c.exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text) "
                              "SELECT $1, g, 'chunk ' || g FROM generate_series(0, $2 - 1) g "
                              "RETURNING id"),
               {doc, count});
    std::uniform_int_distribution<std::size_t> pick(0, m_centres.size() - 1);
    c.transaction([&]() {
        for (int i = 0; i < ids.rows(); ++i) {
            std::vector<float> v = test::randomVector(m_rng, kDims);
            const auto& centre = m_centres[pick(m_rng)];
            for (int d = 0; d < kDims; ++d)
                v[static_cast<std::size_t>(d)] =
                    0.3f * v[static_cast<std::size_t>(d)] + centre[static_cast<std::size_t>(d)];
            test::addEmbedding(c, ids.toInt64(i, 0), kModel, v);
        }
    });
    return doc;
}

std::vector<float> TestSearchIndex::storedVector(qint64 chunk) {
    const QList<float> v =
        m_conn
            ->exec(QStringLiteral("SELECT vector FROM quiver.embeddings WHERE chunk_id = $1"),
                   {chunk})
            .toFloatArray(0, 0);
    return {v.begin(), v.end()};
}

void TestSearchIndex::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("sindex"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    for (int i = 0; i < 8; ++i)
        m_centres.push_back(test::randomVector(m_rng, kDims));
    for (const char* name : {"A", "B", "C"}) {
        m_collections.append(test::addCollection(*m_conn, QString::fromLatin1(name)));
        addVectors(m_collections.back(), kPerCollection);
    }
}

void TestSearchIndex::cleanupTestCase() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestSearchIndex::buildsADiskBaseAndLoadsItAgain() {
    std::vector<RankedChunk> first;
    const std::vector<float> query = storedVector(
        m_conn->exec(QStringLiteral("SELECT min(chunk_id) FROM quiver.embeddings")).toInt64(0, 0));
    {
        SearchIndex index(kModel, options());
        double lastFraction = -1;
        int reports = 0;
        index.open(*m_conn, [&](double f, const QString&) {
            if (f < lastFraction)
                return false; // progress must never go backwards
            lastFraction = f;
            ++reports;
            return true;
        });
        const IndexStatus s = index.status();
        QCOMPARE(s.opened, QStringLiteral("built"));
        QVERIFY(!s.exact);
        QCOMPARE(s.baseVectors, qint64{3 * kPerCollection});
        QCOMPARE(s.dimensions, kDims);
        QVERIFY(QFile::exists(s.baseFile));
        QCOMPARE(s.fileBytes, QFileInfo(s.baseFile).size());
        QVERIFY(s.ramBytes > 0);
        QVERIFY(reports > 2);
        QCOMPARE(lastFraction, 1.0);
        first = index.search(query, 10);
        QCOMPARE(first.size(), std::size_t{10});
        QVERIFY(first.front().score > 0.999); // the stored vector finds itself
        // The index's files derive from the user's documents: only their owner may read them.
        const QFileInfoList files = QDir(m_dir.path()).entryInfoList(QDir::Files);
        QVERIFY(files.size() >= 2); // base file and manifest
        for (const QFileInfo& f : files)
            QVERIFY2((f.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup |
                                         QFile::WriteOther)) == 0,
                     qPrintable(f.fileName()));
    }
    SearchIndex again(kModel, options());
    again.open(*m_conn);
    QCOMPARE(again.status().opened, QStringLiteral("loaded"));
    const auto second = again.search(query, 10);
    QCOMPARE(second.size(), first.size());
    for (std::size_t i = 0; i < first.size(); ++i)
        QCOMPARE(second[i].chunkId, first[i].chunkId);
}

void TestSearchIndex::recallAgainstExactSearch() {
    SearchIndex index(kModel, options());
    index.open(*m_conn);
    const RecallReport r = measureRecall(*m_conn, index, 50);
    QCOMPARE(r.queries, 50);
    QCOMPARE(r.vectors, qint64{3 * kPerCollection});
    QVERIFY2(r.recall >= 0.95, qPrintable(QString::number(r.recall)));
    index.recordRecall(r.recall, r.queries);
    SearchIndex reopened(kModel, options());
    reopened.open(*m_conn);
    QVERIFY(reopened.status().recall.has_value());
    QCOMPARE(*reopened.status().recall, r.recall);
}

void TestSearchIndex::collectionFilterNeverLeaks() {
    SearchIndex index(kModel, options());
    index.open(*m_conn);
    const qint64 b = m_collections[1];
    for (int q = 0; q < 20; ++q) {
        const auto hits = index.search(test::randomVector(m_rng, kDims), 10, inCollection(b));
        QCOMPARE(hits.size(), std::size_t{10});
        QStringList ids;
        for (const RankedChunk& h : hits)
            ids.append(QString::number(h.chunkId));
        const qint64 outside =
            m_conn
                ->exec(QStringLiteral("SELECT count(*) FROM quiver.chunks c JOIN "
                                      "quiver.documents d ON d.id = c.document_id "
                                      "WHERE c.id = ANY($1::bigint[]) AND d.collection_id <> $2"),
                       {QStringLiteral("{%1}").arg(ids.join(QLatin1Char(','))), b})
                .toInt64(0, 0);
        QCOMPARE(outside, qint64{0});
    }
}

// A model whose stored vectors have two lengths (a provider that changed them, a database
// written by hand) still gets its index: the most common length is indexed, the others are left
// out and counted, at build time and as they arrive.
void TestSearchIndex::vectorsOfAnotherLengthAreLeftOut() {
    const QString model = QStringLiteral("test-mixed-lengths");
    const qint64 collection = test::addCollection(*m_conn, QStringLiteral("Mixed"));
    const qint64 doc =
        test::addDocument(*m_conn, collection, QStringLiteral("/mixed"), QStringLiteral("mixed"));
    QList<qint64> chunks;
    for (int i = 0; i < 410; ++i)
        chunks << test::addChunk(*m_conn, doc, i, QStringLiteral("mixed %1").arg(i));
    m_conn->transaction([&]() {
        for (int i = 0; i < 410; ++i)
            test::addEmbedding(*m_conn, chunks[i], model,
                               test::randomVector(m_rng, i < 400 ? 16 : 12));
    });
    SearchIndex index(model, options());
    index.open(*m_conn); // threw before: "the embeddings of model ... have different lengths"
    IndexStatus s = index.status();
    QCOMPARE(s.dimensions, 16);
    QVERIFY(!s.exact);
    QCOMPARE(s.baseVectors, qint64{400});
    QCOMPARE(s.skippedVectors, qint64{10});
    const std::vector<float> probe = storedVector(chunks[5]);
    QCOMPARE(index.search(probe, 1).front().chunkId, chunks[5]);

    // Arriving later: an odd one is left out, a base vector rewritten to the odd length is no
    // longer found, and a vector of the model's length is.
    const qint64 late = test::addChunk(*m_conn, doc, 500, QStringLiteral("late"));
    test::addEmbedding(*m_conn, late, model, test::randomVector(m_rng, 20));
    test::addEmbedding(*m_conn, chunks[5], model, test::randomVector(m_rng, 12));
    const qint64 good = test::addChunk(*m_conn, doc, 501, QStringLiteral("good"));
    const std::vector<float> goodVector = test::randomVector(m_rng, 16);
    test::addEmbedding(*m_conn, good, model, goodVector);
    index.sync(*m_conn);
    s = index.status();
    QCOMPARE(s.skippedVectors, qint64{12});
    QCOMPARE(index.search(goodVector, 1).front().chunkId, good);
    for (const RankedChunk& hit : index.search(probe, 50))
        QVERIFY(hit.chunkId != chunks[5]);
    // A rebuild counts what is stored now: the first ten, chunk 5 rewritten and the late one.
    index.rebuild(*m_conn);
    QCOMPARE(index.status().skippedVectors, qint64{12});
    QCOMPARE(index.status().baseVectors, qint64{400});
}

void TestSearchIndex::insertsAndDeletionsReachTheIndexAndSurviveARestart() {
    SearchIndex index(kModel, options());
    index.open(*m_conn);
    const qint64 before = index.status().baseVectors;
    // New vectors: found without a rebuild.
    const qint64 doc = addVectors(m_collections[2], 40);
    const qint64 newChunk =
        m_conn
            ->exec(QStringLiteral("SELECT min(id) FROM quiver.chunks WHERE document_id = $1"),
                   {doc})
            .toInt64(0, 0);
    // At least the 40: rows committed while another session's snapshot (another test's, on
    // the shared server) held the horizon back are read again, which is harmless.
    QVERIFY(index.sync(*m_conn) >= std::size_t{40});
    QCOMPARE(index.search(storedVector(newChunk), 1).front().chunkId, newChunk);
    // A base vector rewritten: the new vector is what is found.
    const qint64 old = m_conn
                           ->exec(QStringLiteral("SELECT min(e.chunk_id) FROM quiver.embeddings e "
                                                 "JOIN quiver.chunks c ON c.id = e.chunk_id "
                                                 "JOIN quiver.documents d ON d.id = c.document_id "
                                                 "WHERE d.collection_id = $1"),
                                  {m_collections[1]})
                           .toInt64(0, 0);
    const std::vector<float> replacement = test::randomVector(m_rng, kDims);
    test::addEmbedding(*m_conn, old, kModel, replacement);
    // A whole collection's document deleted: none of it is ever returned again.
    const qint64 firstDoc =
        m_conn
            ->exec(QStringLiteral("SELECT min(id) FROM quiver.documents WHERE collection_id = $1"),
                   {m_collections[0]})
            .toInt64(0, 0);
    const std::vector<float> deletedProbe = storedVector(
        m_conn
            ->exec(QStringLiteral("SELECT max(id) FROM quiver.chunks WHERE document_id = $1"),
                   {firstDoc})
            .toInt64(0, 0));
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {firstDoc});
    index.sync(*m_conn);
    const auto check = [&](SearchIndex& idx) {
        QCOMPARE(idx.search(replacement, 1).front().chunkId, old);
        QVERIFY(idx.search(replacement, 1).front().score > 0.999);
        QVERIFY(idx.search(deletedProbe, 20, inCollection(m_collections[0])).empty());
        for (const RankedChunk& h : idx.search(deletedProbe, 50))
            QVERIFY(m_conn
                        ->exec(QStringLiteral("SELECT count(*) FROM quiver.embeddings "
                                              "WHERE chunk_id = $1"),
                               {h.chunkId})
                        .toInt64(0, 0) == 1);
    };
    check(index);
    QCOMPARE(index.status().baseVectors, before);
    QVERIFY(index.status().deltaVectors >= 41);
    // After a restart, the same base file and the replayed log give the same answers.
    SearchIndex restarted(kModel, options());
    restarted.open(*m_conn);
    QCOMPARE(restarted.status().opened, QStringLiteral("loaded"));
    check(restarted);
}

void TestSearchIndex::prunedDeletionLogRebuildsAStaleIndex() {
    const auto logged = [this](qint64 doc) {
        return m_conn
            ->exec(QStringLiteral("SELECT count(*) FROM quiver.embedding_deletions l "
                                  "WHERE l.chunk_id IN (SELECT id FROM quiver.chunks "
                                  "WHERE document_id = $1)"),
                   {doc})
            .toInt64(0, 0);
    };
    // A base file written now; then a document's vectors deleted, logged as long ago.
    const qint64 doc = addVectors(m_collections[1], 12);
    const qint64 probeChunk =
        m_conn
            ->exec(QStringLiteral("SELECT min(id) FROM quiver.chunks WHERE document_id = $1"),
                   {doc})
            .toInt64(0, 0);
    const std::vector<float> probe = storedVector(probeChunk);
    {
        SearchIndex index(kModel, options());
        index.rebuild(*m_conn);
        QCOMPARE(index.search(probe, 1).front().chunkId, probeChunk);
    }
    m_conn->exec(QStringLiteral("DELETE FROM quiver.embeddings WHERE chunk_id IN "
                                "(SELECT id FROM quiver.chunks WHERE document_id = $1)"),
                 {doc});
    QCOMPARE(logged(doc), qint64{12});
    m_conn->exec(QStringLiteral("UPDATE quiver.embedding_deletions SET deleted_at = now() - "
                                "interval '40 days' WHERE chunk_id IN (SELECT id FROM "
                                "quiver.chunks WHERE document_id = $1)"),
                 {doc});

    // The index below starts past the deletions, as any index a month later would.
    waitForHorizonPast(
        m_conn
            ->exec(QStringLiteral("SELECT max(txid)::text FROM quiver.embedding_deletions WHERE "
                                  "chunk_id IN (SELECT id FROM quiver.chunks WHERE "
                                  "document_id = $1)"),
                   {doc})
            .text(0, 0));

    // An index that reads the log before it is pruned is not disturbed by the pruning.
    const auto neverProbe = [&](SearchIndex& idx) {
        for (const RankedChunk& h : idx.search(probe, 20))
            QVERIFY(h.chunkId != probeChunk);
    };
    SearchIndex live(kModel, options());
    live.open(*m_conn);
    QCOMPARE(live.status().opened, QStringLiteral("loaded"));
    neverProbe(live);
    live.sync(*m_conn); // prunes: its rows are older than the 30 days kept
    QCOMPARE(logged(doc), qint64{0});
    QVERIFY(EmbeddingSource::prunedDeletionsThrough(*m_conn).has_value());
    live.sync(*m_conn);
    QCOMPARE(live.status().opened, QStringLiteral("loaded"));
    neverProbe(live);

    // The base file still predates those deletions, and the log no longer has them: the next
    // open cannot replay them, so it rebuilds, and the deleted vectors stay gone.
    SearchIndex reopened(kModel, options());
    reopened.open(*m_conn);
    QVERIFY2(reopened.status().opened.startsWith(QLatin1String("rebuilt: it was last brought up")),
             qPrintable(reopened.status().opened));
    neverProbe(reopened);
    // Its new base is newer than everything pruned: loaded as it is from now on.
    SearchIndex again(kModel, options());
    again.open(*m_conn);
    QCOMPARE(again.status().opened, QStringLiteral("loaded"));
    neverProbe(again);
}

void TestSearchIndex::damagedBaseFileIsRebuilt() {
    QString path;
    {
        SearchIndex index(kModel, options());
        index.open(*m_conn);
        path = index.status().baseFile;
    }
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(f.size() / 2);
        QByteArray junk(4096, '\x5a');
        QVERIFY(f.write(junk) == junk.size());
    }
    SearchIndex index(kModel, options());
    index.open(*m_conn);
    QVERIFY2(index.status().opened.startsWith(QLatin1String("rebuilt:")),
             qPrintable(index.status().opened));
    QVERIFY(!QFile::exists(path) || index.status().baseFile == path);
    const RecallReport r = measureRecall(*m_conn, index, 20);
    QVERIFY(r.recall >= 0.9);
    SearchIndex again(kModel, options());
    again.open(*m_conn);
    QCOMPARE(again.status().opened, QStringLiteral("loaded"));
}

void TestSearchIndex::foreignIndexIsRebuilt() {
    {
        SearchIndex index(kModel, options());
        index.open(*m_conn);
    }
    // Same server and database name, but another quiver schema (a re-created database).
    m_conn->exec(
        QStringLiteral("UPDATE quiver.search_settings SET install_id = gen_random_uuid()"));
    SearchIndex index(kModel, options());
    index.open(*m_conn);
    QVERIFY2(index.status().opened.contains(QLatin1String("another database")),
             qPrintable(index.status().opened));
}

void TestSearchIndex::backgroundMergeSwapsInANewBase() {
    SearchIndexOptions o = options();
    o.mergeAbove = 50;
    const QString conninfo = m_conninfo;
    o.connect = [conninfo]() { return PgConnection::open(conninfo); };
    SearchIndex index(kModel, o);
    const qint64 gone = addVectors(m_collections[1], 10); // in the base, then deleted
    const qint64 goneChunk =
        m_conn
            ->exec(QStringLiteral("SELECT min(id) FROM quiver.chunks WHERE document_id = $1"),
                   {gone})
            .toInt64(0, 0);
    index.rebuild(*m_conn); // a base complete to now: the merge below has only these changes
    const IndexStatus before = index.status();
    QVERIFY(!before.exact);
    // Changes of every kind: new vectors, a rewritten one, a deleted document.
    const qint64 doc = addVectors(m_collections[1], 200);
    const qint64 added =
        m_conn
            ->exec(QStringLiteral("SELECT max(id) FROM quiver.chunks WHERE document_id = $1"),
                   {doc})
            .toInt64(0, 0);
    const qint64 rewritten = m_conn
                                 ->exec(QStringLiteral("SELECT min(e.chunk_id) FROM "
                                                       "quiver.embeddings e JOIN quiver.chunks c "
                                                       "ON c.id = e.chunk_id JOIN quiver.documents "
                                                       "d ON d.id = c.document_id WHERE "
                                                       "d.collection_id = $1"),
                                        {m_collections[2]})
                                 .toInt64(0, 0);
    const std::vector<float> replacement = test::randomVector(m_rng, kDims);
    test::addEmbedding(*m_conn, rewritten, kModel, replacement);
    const std::vector<float> goneProbe = storedVector(goneChunk);
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {gone});
    // The sync's watermark passes every change above, so the merged base holds them all and
    // nothing is replayed into the new delta.
    waitForHorizonPast(
        m_conn
            ->exec(QStringLiteral("SELECT greatest((SELECT max(e.txid) FROM quiver.embeddings e "
                                  "JOIN quiver.chunks c ON c.id = e.chunk_id "
                                  "WHERE c.document_id = $1 OR e.chunk_id = $2), "
                                  "(SELECT max(txid) FROM quiver.embedding_deletions "
                                  "WHERE chunk_id = $3))::text"),
                   {doc, rewritten, goneChunk})
            .text(0, 0));
    index.sync(*m_conn);
    // Searches go on meanwhile.
    QVERIFY(!index.search(test::randomVector(m_rng, kDims), 5).empty());
    index.waitForMerge();
    const IndexStatus after = index.status();
    // The old base was streamed into the new one with the changes, not rebuilt.
    QVERIFY2(after.lastMerge.startsWith(QLatin1String("streamed: ")), qPrintable(after.lastMerge));
    QVERIFY2(after.lastMerge.contains(QLatin1String(" inserted")), qPrintable(after.lastMerge));
    QCOMPARE(after.baseVectors, EmbeddingSource::count(*m_conn, kModel));
    QCOMPARE(after.deltaVectors, qint64{0});
    QCOMPARE(after.maskedBaseVectors, qint64{0});
    QVERIFY(after.baseFile != before.baseFile);
    QVERIFY(!QFile::exists(before.baseFile));
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*.qdx")}).size(), 1);
    const auto check = [&](SearchIndex& idx) {
        QCOMPARE(idx.search(storedVector(added), 1).front().chunkId, added);
        QCOMPARE(idx.search(replacement, 1).front().chunkId, rewritten);
        for (const RankedChunk& h : idx.search(goneProbe, 30))
            QVERIFY(h.chunkId != goneChunk);
        QVERIFY(idx.search(goneProbe, 30, inCollection(m_collections[1])).size() == 30);
    };
    check(index);
    const RecallReport r = measureRecall(*m_conn, index, 50);
    QVERIFY2(r.recall >= 0.93, qPrintable(QString::number(r.recall)));
    // The merged base is what the next start loads.
    SearchIndex reopened(kModel, options());
    reopened.open(*m_conn);
    QCOMPARE(reopened.status().opened, QStringLiteral("loaded"));
    QCOMPARE(reopened.status().baseFile, after.baseFile);
    check(reopened);
}

void TestSearchIndex::mergeFallsBackToARebuild() {
    SearchIndexOptions o = options();
    o.mergeAbove = 50;
    SearchIndex index(kModel, o); // no connection of its own: merges run inside sync()
    index.rebuild(*m_conn);
    const QString oldBase = index.status().baseFile;
    // The base file vanishes from the folder (open readers keep it): the merge cannot stream
    // it, and the index is rebuilt from the database instead.
    QVERIFY(QFile::remove(oldBase));
    const qint64 doc = addVectors(m_collections[0], 120);
    const qint64 added =
        m_conn
            ->exec(QStringLiteral("SELECT min(id) FROM quiver.chunks WHERE document_id = $1"),
                   {doc})
            .toInt64(0, 0);
    index.sync(*m_conn);
    const IndexStatus after = index.status();
    QCOMPARE(after.lastMerge, QStringLiteral("rebuilt from the database"));
    QCOMPARE(after.baseVectors, EmbeddingSource::count(*m_conn, kModel));
    QVERIFY(QFile::exists(after.baseFile));
    QCOMPARE(index.search(storedVector(added), 1).front().chunkId, added);
}

void TestSearchIndex::buildCanBeCancelled() {
    SearchIndex index(kModel, options());
    QVERIFY_THROWS_EXCEPTION(
        IndexCancelled, index.rebuild(*m_conn, [](double f, const QString&) { return f < 0.5; }));
    QVERIFY(!index.isOpen());
    QCOMPARE(m_conn->exec(QStringLiteral("SELECT 1")).toInt64(0, 0), qint64{1});
}

void TestSearchIndex::copyOutCancelLeavesConnectionUsable() {
    qint64 seen = 0;
    const auto result = EmbeddingSource::readAll(
        *m_conn, kModel, [&](const PassageKeys&, const std::vector<float>&) { ++seen; },
        [](qint64 done, qint64) { return done < 1024; });
    QVERIFY(!result.has_value());
    QCOMPARE(seen, qint64{1024}); // rows already in flight are dropped, not handed on
    QCOMPARE(m_conn->transactionDepth(), 0);
    QCOMPARE(m_conn->exec(QStringLiteral("SELECT 2")).toInt64(0, 0), qint64{2});
    // A complete read sees every row and returns a watermark.
    seen = 0;
    QVERIFY(EmbeddingSource::readAll(
                *m_conn, kModel, [&](const PassageKeys&, const std::vector<float>&) { ++seen; }, {})
                .has_value());
    QCOMPARE(seen, EmbeddingSource::count(*m_conn, kModel));
}

void TestSearchIndex::twoProgramsShareOneIndexFolder() {
    // Two programs (two windows, a window and a CLI worker) on one index folder, each with its
    // own connections and threads. Nothing is left for them to load: one of them builds.
    for (const QString& f : QDir(m_dir.path()).entryList(QDir::Files))
        QVERIFY(QFile::remove(m_dir.filePath(f)));
    SearchIndexOptions o = options();
    o.mergeAbove = 50;
    const QString conninfo = m_conninfo;
    o.connect = [conninfo]() { return PgConnection::open(conninfo); };
    SearchIndex a(kModel, o);
    SearchIndex b(kModel, o);
    const auto openOn = [&](SearchIndex* index) {
        PgConnection c = PgConnection::open(conninfo);
        index->open(c);
    };
    std::thread first(openOn, &a);
    std::thread second(openOn, &b);
    first.join();
    second.join();
    // One built the index; the other (waiting for it, or starting after it) loaded it instead of
    // building it too and removing the first one's file.
    QStringList opened{a.status().opened, b.status().opened};
    opened.sort();
    QCOMPARE(opened, (QStringList{QStringLiteral("built"), QStringLiteral("loaded")}));
    QVERIFY(!a.status().baseFile.isEmpty());
    QCOMPARE(a.status().baseFile, b.status().baseFile);

    // Both see enough changes to merge. One streams them into a new base; the other loads that
    // base rather than merging the same changes again, and no base either uses is removed.
    const qint64 doc = addVectors(m_collections[2], 200);
    const qint64 added =
        m_conn
            ->exec(QStringLiteral("SELECT max(id) FROM quiver.chunks WHERE document_id = $1"),
                   {doc})
            .toInt64(0, 0);
    waitForHorizonPast(m_conn
                           ->exec(QStringLiteral("SELECT max(e.txid)::text FROM quiver.embeddings "
                                                 "e JOIN quiver.chunks c ON c.id = e.chunk_id "
                                                 "WHERE c.document_id = $1"),
                                  {doc})
                           .text(0, 0));
    const QString oldBase = a.status().baseFile;
    a.sync(*m_conn);
    b.sync(*m_conn);
    a.waitForMerge();
    b.waitForMerge();
    QStringList merges{a.status().lastMerge, b.status().lastMerge};
    merges.sort();
    QCOMPARE(merges.size(), 2);
    QCOMPARE(merges[0], QStringLiteral("loaded the base another process wrote"));
    QVERIFY2(merges[1].startsWith(QLatin1String("streamed: ")), qPrintable(merges[1]));
    QCOMPARE(a.status().baseFile, b.status().baseFile);
    QVERIFY(QFile::exists(a.status().baseFile));
    QVERIFY(!QFile::exists(oldBase));
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*.qdx")}).size(), 1);
    for (SearchIndex* index : {&a, &b}) {
        QCOMPARE(index->search(storedVector(added), 1).front().chunkId, added);
        QCOMPARE(index->status().baseVectors, EmbeddingSource::count(*m_conn, kModel));
    }

    // A base another program still searches is never removed, even when this one renews its
    // own: a rebuild here leaves the other's file in place until it lets go of it.
    const QString shared = a.status().baseFile;
    a.rebuild(*m_conn);
    QVERIFY(a.status().baseFile != shared);
    QVERIFY(QFile::exists(shared));
    QCOMPARE(b.search(storedVector(added), 1).front().chunkId, added);
}

void TestSearchIndex::typeAndDateFiltersFindRarePassages() {
    // Six passages of one PDF imported on 15 January, among some two thousand of text imported
    // now: a filter on its type, its day or both finds all six whatever the query (the old
    // search took a few candidates more and filtered them afterwards, and found none).
    const qint64 pdf = addVectors(m_collections[0], 6);
    const auto mark = [&](qint64 doc) {
        m_conn->exec(QStringLiteral("UPDATE quiver.documents SET mime = 'application/pdf', "
                                    "imported_at = '2026-01-15 10:00:00+00' WHERE id = $1"),
                     {doc});
    };
    mark(pdf);
    SearchIndex index(kModel, options());
    index.rebuild(*m_conn);
    QVERIFY(!index.status().exact);
    const auto chunksOf = [&](qint64 doc) {
        std::set<qint64> out;
        const PgResult r = m_conn->exec(
            QStringLiteral("SELECT id FROM quiver.chunks WHERE document_id = $1"), {doc});
        for (int i = 0; i < r.rows(); ++i)
            out.insert(r.toInt64(i, 0));
        return out;
    };
    SearchFilters byType;
    byType.mimeTypes = {QStringLiteral("application/pdf")};
    SearchFilters byDay;
    byDay.importedAfter = QDateTime(QDate(2026, 1, 15), QTime(0, 0), Qt::UTC);
    byDay.importedBefore = byDay.importedAfter.addDays(1);
    SearchFilters all = byType;
    all.importedAfter = byDay.importedAfter;
    all.importedBefore = byDay.importedBefore;
    all.collectionIds = {m_collections[0]};
    SearchFilters elsewhere = byType;
    elsewhere.collectionIds = {m_collections[1]};
    SearchFilters later;
    later.importedAfter = QDateTime::currentDateTimeUtc().addDays(2);

    const auto check = [&](const std::set<qint64>& expected) {
        for (int q = 0; q < 10; ++q) {
            const std::vector<float> query = test::randomVector(m_rng, kDims);
            for (const SearchFilters& f : {byType, byDay, all}) {
                std::set<qint64> got;
                for (const RankedChunk& h : index.search(query, 20, f))
                    got.insert(h.chunkId);
                QCOMPARE(got, expected);
            }
            QVERIFY(index.search(query, 20, elsewhere).empty());
            QVERIFY(index.search(query, 20, later).empty());
        }
    };
    check(chunksOf(pdf));

    // One more passage of that kind arrives after the build: the delta holds it, labelled by
    // its document as it is when the change is read.
    const qint64 more = addVectors(m_collections[0], 1);
    mark(more);
    QVERIFY(index.sync(*m_conn) >= std::size_t{1}); // more when another snapshot held the horizon
    std::set<qint64> expected = chunksOf(pdf);
    expected.merge(chunksOf(more));
    check(expected);
}

QTEST_GUILESS_MAIN(TestSearchIndex)
#include "tst_search_index.moc"
