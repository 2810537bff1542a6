// The deferred full-text index: chunks are stored with tsv NULL, keyword search finds them
// anyway, and TextIndexer fills the index in batches, alone or on several connections.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/search/keyword_search.h"
#include "core/search/text_indexer.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/search_fixture.h"

#include <QTest>

#include <map>
#include <optional>

using namespace quiver;
using quiver::test::TestPostgres;

class TestTextIndexer : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void pendingChunksAreFoundWithTheSameScores();
    void walksEveryBatchAndSkipsLockedRows();
    void parallelIndexersIndexEachChunkOnce();
    void changedTextIsIndexedAgain();

private:
    // A collection of `count` one-chunk documents; returns the collection id.
    qint64 addCorpus(const QString& name, int count);
    qint64 pendingCount() { return TextIndexer(*m_conn).pending(); }
    std::map<qint64, double> scores(const QString& query, const SearchFilters& f = {}) {
        std::map<qint64, double> out;
        for (const RankedChunk& c : keywordSearch(*m_conn, query, f, 10000))
            out.emplace(c.chunkId, c.score);
        return out;
    }

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
};

qint64 TestTextIndexer::addCorpus(const QString& name, int count) {
    const qint64 collection = test::addCollection(*m_conn, name);
    static const QStringList kWords{QStringLiteral("harbour"), QStringLiteral("lantern"),
                                    QStringLiteral("granite"), QStringLiteral("meadow"),
                                    QStringLiteral("copper")};
    m_conn->transaction([&]() {
        for (int i = 0; i < count; ++i) {
            const qint64 doc = test::addDocument(
                *m_conn, collection, QStringLiteral("/%1/%2.txt").arg(name).arg(i), name);
            // Term frequencies vary, so that ranks differ from chunk to chunk.
            QString text = QStringLiteral("note %1:").arg(i);
            for (int w = 0; w <= i % 7; ++w)
                text += QLatin1Char(' ') + kWords[(i + w) % kWords.size()];
            test::addChunk(*m_conn, doc, 0, text);
        }
    });
    return collection;
}

void TestTextIndexer::init() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("textindex"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
}

void TestTextIndexer::cleanup() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestTextIndexer::pendingChunksAreFoundWithTheSameScores() {
    const qint64 a = addCorpus(QStringLiteral("a"), 40);
    addCorpus(QStringLiteral("b"), 40);
    QCOMPARE(pendingCount(), 80);

    const auto before = scores(QStringLiteral("lantern"));
    const auto beforePhrase = scores(QStringLiteral("\"granite meadow\" -copper"));
    SearchFilters onlyA;
    onlyA.collectionIds = {a};
    const auto beforeA = scores(QStringLiteral("harbour"), onlyA);
    QVERIFY(!before.empty() && !beforePhrase.empty() && !beforeA.empty());
    QVERIFY(before.size() < 80); // the query selects, it does not return everything

    QCOMPARE(TextIndexer(*m_conn).indexAll(), 80);
    QCOMPARE(pendingCount(), 0);
    QCOMPARE(m_conn->exec(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE tsv IS NULL"))
                 .toInt64(0, 0),
             0);
    // Indexed, the same chunks come back with the same ranks.
    QCOMPARE(scores(QStringLiteral("lantern")), before);
    QCOMPARE(scores(QStringLiteral("\"granite meadow\" -copper")), beforePhrase);
    QCOMPARE(scores(QStringLiteral("harbour"), onlyA), beforeA);
    QCOMPARE(TextIndexer(*m_conn).indexAll(), 0);

    // Half indexed, half pending: each chunk once, from whichever arm holds it.
    addCorpus(QStringLiteral("c"), 40);
    const auto mixed = scores(QStringLiteral("lantern"));
    QCOMPARE(mixed.size(), before.size() * 3 / 2);
    for (const auto& [id, score] : before)
        QCOMPARE(mixed.at(id), score);
}

void TestTextIndexer::walksEveryBatchAndSkipsLockedRows() {
    const int count = 2 * TextIndexer::kDefaultBatch + 123;
    addCorpus(QStringLiteral("big"), count);
    const qint64 lowest =
        m_conn->exec(QStringLiteral("SELECT min(id) FROM quiver.chunks")).toInt64(0, 0);

    // Another transaction holds the lowest chunk: the indexer leaves it and takes the rest.
    PgConnection other = PgConnection::open(m_conninfo);
    other.exec(QStringLiteral("BEGIN"));
    other.exec(QStringLiteral("SELECT 1 FROM quiver.chunks WHERE id = $1 FOR UPDATE"), {lowest});
    TextIndexer indexer(*m_conn);
    const TextIndexer::Batch first = indexer.indexBatch(0, 10);
    QCOMPARE(first.picked, 10);
    QCOMPARE(first.indexed, 10);
    QVERIFY(first.lastId > lowest + 9);
    QCOMPARE(indexer.indexAll(), qint64(count - 11));
    QCOMPARE(pendingCount(), 1);

    other.exec(QStringLiteral("COMMIT"));
    QCOMPARE(indexer.indexAll(), 1);
    QCOMPARE(pendingCount(), 0);
}

void TestTextIndexer::parallelIndexersIndexEachChunkOnce() {
    const int count = 3 * TextIndexer::kDefaultBatch + 7;
    addCorpus(QStringLiteral("par"), count);
    std::atomic<int> opened{0};
    const qint64 indexed = TextIndexer::indexAllParallel(
        [&]() {
            ++opened;
            return PgConnection::open(m_conninfo);
        },
        3);
    QCOMPARE(opened.load(), 3);
    QCOMPARE(indexed, qint64(count));
    QCOMPARE(pendingCount(), 0);

    // Stopped between batches: what was indexed stays, the rest is still pending.
    addCorpus(QStringLiteral("stop"), 2 * TextIndexer::kDefaultBatch);
    const qint64 some = TextIndexer::indexAllParallel(
        [&]() { return PgConnection::open(m_conninfo); }, 1, []() { return false; });
    QCOMPARE(some, qint64(TextIndexer::kDefaultBatch));
    QCOMPARE(pendingCount(), qint64(TextIndexer::kDefaultBatch));

    // A connection that cannot be opened is an error, not a silent stop.
    bool threw = false;
    try {
        TextIndexer::indexAllParallel(
            []() -> PgConnection {
                return PgConnection::open(QStringLiteral("host=/nonexistent dbname=none"));
            },
            2);
    } catch (const std::exception&) {
        threw = true;
    }
    QVERIFY(threw);
}

void TestTextIndexer::changedTextIsIndexedAgain() {
    addCorpus(QStringLiteral("edit"), 3);
    QCOMPARE(TextIndexer(*m_conn).indexAll(), 3);
    const qint64 id = m_conn
                          ->exec(QStringLiteral("UPDATE quiver.chunks SET text = 'lighthouse "
                                                "keeper' WHERE ordinal = 0 AND id = (SELECT "
                                                "min(id) FROM quiver.chunks) RETURNING id"))
                          .toInt64(0, 0);
    QCOMPARE(pendingCount(), 1);
    QCOMPARE(scores(QStringLiteral("lighthouse")).count(id), std::size_t(1));
    // An update that leaves the text alone keeps the index.
    m_conn->exec(QStringLiteral("UPDATE quiver.chunks SET token_estimate = 3 WHERE id <> $1"),
                 {id});
    QCOMPARE(pendingCount(), 1);
    QCOMPARE(TextIndexer(*m_conn).indexAll(), 1);
    QCOMPARE(m_conn
                 ->exec(QStringLiteral("SELECT tsv @@ to_tsquery('simple', 'keeper') FROM "
                                       "quiver.chunks WHERE id = $1"),
                        {id})
                 .toBool(0, 0),
             true);
}

QTEST_GUILESS_MAIN(TestTextIndexer)
#include "tst_text_indexer.moc"
