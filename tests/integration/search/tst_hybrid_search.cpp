// Hybrid search (BM25 keyword index + vector index + fusion) against the real PostgreSQL test
// server.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/search/hybrid_search.h"
#include "core/search/keyword_index.h"
#include "core/search/search_index.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/search_fixture.h"

#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace quiver;
using quiver::test::TestPostgres;

class TestHybridSearch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void keywordFindsItsDocumentFirst();
    void keywordUnderstandsWebSyntax();
    void semanticFindsItsDocumentFirst();
    void hybridFusesBothRankings();
    void collectionFilterNeverLeaks_data();
    void collectionFilterNeverLeaks();
    void typeAndDateFilters();
    void moreLikeThisReturnsNeighbours();
    void newDocumentFoundWithoutRebuild();
    void deletedDocumentNeverAppears();
    void concurrentCommitsAreNotMissed();
    void keywordLanguageIsADatabaseSetting();
    void explainsAndLimitsPassagesPerDocument();
    void semanticWithoutEmbedderSaysWhatToDo();

private:
    QList<QString> titles(const std::vector<SearchHit>& hits) const;
    std::vector<SearchHit> run(const QString& text, SearchMode mode, const SearchFilters& f = {},
                               int k = 5);
    qint64 addText(qint64 collection, const QString& title, const QString& text,
                   const QString& mime = QStringLiteral("text/plain"));

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    QTemporaryDir m_dir;
    test::WordHashEmbedder m_embedder;
    std::unique_ptr<SearchIndex> m_index;
    std::unique_ptr<KeywordIndex> m_keywords;
    qint64 m_recipes = 0;
    qint64 m_physics = 0;
    int m_docs = 0;
};

qint64 TestHybridSearch::addText(qint64 collection, const QString& title, const QString& text,
                                 const QString& mime) {
    PgConnection& c = *m_conn;
    const qint64 doc = test::addDocument(
        c, collection, QStringLiteral("/corpus/%1-%2.txt").arg(title).arg(++m_docs), title, mime);
    const qint64 chunk = test::addChunk(c, doc, 0, text);
    test::addEmbedding(c, chunk, m_embedder.modelId(), m_embedder.vectorOf(text));
    return doc;
}

void TestHybridSearch::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("hybrid"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    m_recipes = test::addCollection(*m_conn, QStringLiteral("Recipes"));
    m_physics = test::addCollection(*m_conn, QStringLiteral("Physics"));
    addText(m_recipes, QStringLiteral("bread"),
            QStringLiteral("Knead the dough with flour, water, yeast and salt, then bake the "
                           "bread in a hot oven."));
    addText(m_recipes, QStringLiteral("soup"),
            QStringLiteral("Simmer onions, carrots and celery in stock for a warming vegetable "
                           "soup."));
    addText(m_recipes, QStringLiteral("pancakes"),
            QStringLiteral("Whisk eggs, milk and flour into a batter and fry thin pancakes."),
            QStringLiteral("text/markdown"));
    // The recipes are in the keyword index's build; the physics texts arrive after it, so
    // every keyword test also reads what a sync brought in.
    KeywordIndexOptions keywordOptions;
    keywordOptions.directory = m_dir.path();
    m_keywords = std::make_unique<KeywordIndex>(keywordOptions);
    m_keywords->open(*m_conn);
    QCOMPARE(m_keywords->status().chunks, 3);
    addText(m_physics, QStringLiteral("orbits"),
            QStringLiteral("Planets follow elliptical orbits around the sun under gravity."));
    addText(m_physics, QStringLiteral("quantum"),
            QStringLiteral("Quantum particles tunnel through barriers with a probability "
                           "given by the wave function."));
    addText(m_physics, QStringLiteral("ovens"),
            QStringLiteral("A hot oven radiates heat: black body radiation and the bread of "
                           "thermodynamics."));
    SearchIndexOptions options;
    options.directory = m_dir.path();
    m_index = std::make_unique<SearchIndex>(m_embedder.modelId(), options);
    m_index->open(*m_conn);
    QCOMPARE(m_index->status().opened, QStringLiteral("built"));
    QVERIFY(m_index->status().exact);
}

void TestHybridSearch::cleanupTestCase() {
    m_keywords.reset();
    m_index.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

QList<QString> TestHybridSearch::titles(const std::vector<SearchHit>& hits) const {
    QList<QString> out;
    for (const SearchHit& h : hits)
        out.append(h.title);
    return out;
}

std::vector<SearchHit> TestHybridSearch::run(const QString& text, SearchMode mode,
                                             const SearchFilters& f, int k) {
    HybridSearch search(*m_conn, m_keywords.get(), m_index.get(), queryEmbedderFor(m_embedder));
    SearchRequest r;
    r.text = text;
    r.mode = mode;
    r.filters = f;
    r.k = k;
    return search.search(r);
}

void TestHybridSearch::keywordFindsItsDocumentFirst() {
    const auto hits = run(QStringLiteral("elliptical orbits"), SearchMode::Keyword);
    QCOMPARE(titles(hits), QList<QString>{QStringLiteral("orbits")});
    QCOMPARE(hits.front().collection, QStringLiteral("Physics"));
    QCOMPARE(hits.front().ordinal, 0);
    QVERIFY(hits.front().path.endsWith(QLatin1String(".txt")));
    QVERIFY(hits.front().text.contains(QLatin1String("gravity")));
    QVERIFY(hits.front().score > 0);
    QVERIFY(run(QStringLiteral("zeppelin"), SearchMode::Keyword).empty());
}

void TestHybridSearch::keywordUnderstandsWebSyntax() {
    // "hot oven" matches bread and ovens; excluding "bread" leaves none, a quoted phrase one.
    QCOMPARE(run(QStringLiteral("hot oven"), SearchMode::Keyword).size(), std::size_t{2});
    QVERIFY(run(QStringLiteral("hot oven -bread"), SearchMode::Keyword).empty());
    QCOMPARE(titles(run(QStringLiteral("\"wave function\""), SearchMode::Keyword)),
             QList<QString>{QStringLiteral("quantum")});
    QCOMPARE(run(QStringLiteral("pancakes or orbits"), SearchMode::Keyword).size(), std::size_t{2});
    // Quotes and operators a user types never break the SQL.
    QVERIFY(run(QStringLiteral("'); DROP TABLE quiver.chunks; --"), SearchMode::Keyword).empty());
}

void TestHybridSearch::semanticFindsItsDocumentFirst() {
    const auto hits = run(QStringLiteral("simmer vegetable soup stock"), SearchMode::Semantic);
    QVERIFY(!hits.empty());
    QCOMPARE(hits.front().title, QStringLiteral("soup"));
    QVERIFY(hits.front().score > 0.3);
    for (std::size_t i = 1; i < hits.size(); ++i)
        QVERIFY(hits[i - 1].score >= hits[i].score);
}

void TestHybridSearch::hybridFusesBothRankings() {
    const auto hits = run(QStringLiteral("bake bread oven"), SearchMode::Hybrid);
    QVERIFY(hits.size() >= 2);
    QCOMPARE(hits.front().title, QStringLiteral("bread"));
    // Ranked first by both arms: the fused score is the full 1, and both ranks are kept.
    QCOMPARE(hits.front().keyword.value_or(ArmRank{}).rank, 1);
    QCOMPARE(hits.front().semantic.value_or(ArmRank{}).rank, 1);
    QVERIFY(qAbs(hits.front().score - 1.0) < 1e-9);
    for (std::size_t i = 1; i < hits.size(); ++i)
        QVERIFY(hits[i - 1].score >= hits[i].score && hits[i].score >= 0.0);
}

void TestHybridSearch::collectionFilterNeverLeaks_data() {
    QTest::addColumn<int>("mode");
    QTest::newRow("hybrid") << static_cast<int>(SearchMode::Hybrid);
    QTest::newRow("semantic") << static_cast<int>(SearchMode::Semantic);
    QTest::newRow("keyword") << static_cast<int>(SearchMode::Keyword);
}

void TestHybridSearch::collectionFilterNeverLeaks() {
    QFETCH(int, mode);
    SearchFilters f;
    f.collectionIds = {m_physics};
    const auto hits = run(QStringLiteral("hot oven bread"), static_cast<SearchMode>(mode), f, 10);
    QVERIFY(!hits.empty());
    for (const SearchHit& h : hits)
        QCOMPARE(h.collection, QStringLiteral("Physics"));
    if (mode != static_cast<int>(SearchMode::Semantic))
        QCOMPARE(hits.front().title, QStringLiteral("ovens"));
}

void TestHybridSearch::typeAndDateFilters() {
    SearchFilters md;
    md.mimeTypes = {QStringLiteral("text/markdown")};
    const auto hits = run(QStringLiteral("flour"), SearchMode::Hybrid, md, 10);
    QCOMPARE(titles(hits), QList<QString>{QStringLiteral("pancakes")});

    SearchFilters future;
    future.importedAfter = QDateTime::currentDateTimeUtc().addDays(1);
    QVERIFY(run(QStringLiteral("flour"), SearchMode::Hybrid, future).empty());
    SearchFilters past;
    past.importedBefore = QDateTime::currentDateTimeUtc().addDays(1);
    past.importedAfter = QDateTime::currentDateTimeUtc().addDays(-1);
    QCOMPARE(run(QStringLiteral("flour"), SearchMode::Keyword, past).size(), std::size_t{2});
}

void TestHybridSearch::moreLikeThisReturnsNeighbours() {
    const qint64 bread = m_conn
                             ->exec(QStringLiteral("SELECT c.id FROM quiver.chunks c JOIN "
                                                   "quiver.documents d ON d.id = c.document_id "
                                                   "WHERE d.title = 'bread'"))
                             .toInt64(0, 0);
    HybridSearch search(*m_conn, m_keywords.get(), m_index.get(), {});
    const auto hits = search.moreLikeThis(bread, 3);
    QCOMPARE(hits.size(), std::size_t{3});
    for (const SearchHit& h : hits)
        QVERIFY(h.chunkId != bread);
}

void TestHybridSearch::newDocumentFoundWithoutRebuild() {
    const QString opened = m_index->status().opened;
    addText(m_physics, QStringLiteral("comets"),
            QStringLiteral("Comets with icy nuclei grow glowing tails near perihelion."));
    const auto hits = run(QStringLiteral("icy comets glowing tails"), SearchMode::Semantic);
    QVERIFY(!hits.empty());
    QCOMPARE(hits.front().title, QStringLiteral("comets"));
    QCOMPARE(m_index->status().opened, opened); // not rebuilt
}

void TestHybridSearch::deletedDocumentNeverAppears() {
    const qint64 doc =
        addText(m_recipes, QStringLiteral("risotto"),
                QStringLiteral("Stir arborio rice with saffron broth into risotto."));
    QCOMPARE(run(QStringLiteral("saffron risotto"), SearchMode::Semantic).front().title,
             QStringLiteral("risotto"));
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {doc});
    for (const SearchMode mode : {SearchMode::Semantic, SearchMode::Keyword, SearchMode::Hybrid}) {
        const auto hits = run(QStringLiteral("saffron risotto arborio"), mode, {}, 20);
        QVERIFY(!titles(hits).contains(QStringLiteral("risotto")));
    }
    // The index itself dropped it too, not only the hydration.
    for (const RankedChunk& c :
         m_index->search(m_embedder.vectorOf(QStringLiteral("saffron risotto arborio")), 50))
        QVERIFY(m_conn
                    ->exec(QStringLiteral("SELECT count(*) FROM quiver.chunks WHERE id = $1"),
                           {c.chunkId})
                    .toInt64(0, 0) == 1);
}

void TestHybridSearch::concurrentCommitsAreNotMissed() {
    // A transaction that wrote first but commits after a sync must still be picked up.
    PgConnection slow = PgConnection::open(m_conninfo);
    slow.beginTransaction();
    const qint64 doc = test::addDocument(slow, m_physics, QStringLiteral("/corpus/late.txt"),
                                         QStringLiteral("late"));
    const QString text = QStringLiteral("Neutrinos oscillate between flavours in flight.");
    const qint64 chunk = test::addChunk(slow, doc, 0, text);
    test::addEmbedding(slow, chunk, m_embedder.modelId(), m_embedder.vectorOf(text));
    addText(m_physics, QStringLiteral("early"),
            QStringLiteral("Magnets align domains in ferromagnetic iron."));
    m_index->sync(*m_conn); // sees "early", not yet "late"
    QVERIFY(!titles(run(text, SearchMode::Semantic)).contains(QStringLiteral("late")));
    slow.commitTransaction();
    const auto hits = run(text, SearchMode::Semantic);
    QVERIFY(!hits.empty());
    QCOMPARE(hits.front().title, QStringLiteral("late"));
}

void TestHybridSearch::keywordLanguageIsADatabaseSetting() {
    // English by default: "planet" finds "Planets" by its stem, "the" is no term at all.
    QCOMPARE(titles(run(QStringLiteral("planet"), SearchMode::Keyword)),
             QList<QString>{QStringLiteral("orbits")});
    QVERIFY(run(QStringLiteral("the"), SearchMode::Keyword).empty());
    m_conn->exec(QStringLiteral("SELECT quiver.set_keyword_language('none')"));
    QVERIFY(run(QStringLiteral("planet"), SearchMode::Keyword).empty());
    QCOMPARE(m_keywords->language(), QStringLiteral("none"));
    m_conn->exec(QStringLiteral("SELECT quiver.set_keyword_language('english')"));
    QCOMPARE(titles(run(QStringLiteral("planet"), SearchMode::Keyword)),
             QList<QString>{QStringLiteral("orbits")});
}

void TestHybridSearch::explainsAndLimitsPassagesPerDocument() {
    const qint64 doc = test::addDocument(*m_conn, m_recipes, QStringLiteral("/corpus/book.txt"),
                                         QStringLiteral("book"));
    for (int i = 0; i < 4; ++i) {
        const QString text =
            QStringLiteral("Sourdough starter note %1: feed the sourdough.").arg(i);
        const qint64 chunk = test::addChunk(*m_conn, doc, i, text);
        test::addEmbedding(*m_conn, chunk, m_embedder.modelId(), m_embedder.vectorOf(text));
    }
    auto hits = run(QStringLiteral("sourdough bread"), SearchMode::Hybrid, {}, 10);
    QVERIFY(hits.size() >= 5);
    // Each hit says which words it holds and where each arm ranked it.
    for (const SearchHit& h : hits) {
        if (h.title == QLatin1String("book")) {
            QCOMPARE(h.matched, QStringList{QStringLiteral("sourdough")});
            QVERIFY(h.keyword && h.keyword->score > 0 && h.keyword->rank <= 6);
        } else if (h.title == QLatin1String("bread")) {
            QCOMPARE(h.matched, QStringList{QStringLiteral("bread")});
        }
        if (!h.keyword)
            QVERIFY(h.matched.isEmpty() && h.semantic);
    }
    HybridSearch search(*m_conn, m_keywords.get(), m_index.get(), queryEmbedderFor(m_embedder));
    SearchRequest r;
    r.text = QStringLiteral("sourdough bread");
    r.k = 10;
    r.perDocument = 2;
    hits = search.search(r);
    int fromBook = 0;
    for (const SearchHit& h : hits)
        fromBook += h.title == QLatin1String("book") ? 1 : 0;
    QCOMPARE(fromBook, 2);
    QVERIFY(titles(hits).contains(QStringLiteral("bread")));
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {doc});
}

void TestHybridSearch::semanticWithoutEmbedderSaysWhatToDo() {
    HybridSearch search(*m_conn, m_keywords.get(), nullptr, {});
    SearchRequest r;
    r.text = QStringLiteral("bread");
    try {
        search.search(r);
        QFAIL("expected a SearchError");
    } catch (const SearchError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("--mode keyword")), e.what());
    }
    r.mode = SearchMode::Keyword; // needs neither embedder nor index
    QCOMPARE(search.search(r).size(), std::size_t{2});
}

QTEST_GUILESS_MAIN(TestHybridSearch)
#include "tst_hybrid_search.moc"
