// The keyword index (BM25 over analysed terms, kept in the cache folder) against the real
// PostgreSQL test server: built from the database and reloaded from its file; in step with
// inserts, updates, deletes and transactions that commit out of order; rebuilt when its file is
// damaged, when the database changes language or truncates, and when the log it missed was
// pruned.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/search/keyword_index.h"
#include "core/search/keyword_search.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/search_fixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace quiver;
using quiver::test::TestPostgres;

class TestKeywordIndex : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void buildsThenLoadsItsFile();
    void questionFindsTheRareWord();
    void phrasesComeFirstThenTheRest();
    void followsInsertsUpdatesAndDeletes();
    void lateCommitsAreNotMissed();
    void filtersKeepOnlyAllowedDocuments();
    void damagedFileIsRebuilt();
    void languageChangeAndTruncateRebuild();
    void prunedLogForcesARebuild();

private:
    qint64 add(const QString& title, const QString& text, qint64 collection = 0);
    QList<qint64> ids(const QString& query, int k = 10);
    std::unique_ptr<KeywordIndex> openIndex();
    QString indexFile() const;

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<KeywordIndex> m_index;
    qint64 m_collection = 0;
    int m_docs = 0;
};

void TestKeywordIndex::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("keywords"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
    m_collection = test::addCollection(*m_conn, QStringLiteral("Notes"));
    m_docs = 0;
}

void TestKeywordIndex::cleanup() {
    m_index.reset();
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

qint64 TestKeywordIndex::add(const QString& title, const QString& text, qint64 collection) {
    const qint64 doc = test::addDocument(*m_conn, collection ? collection : m_collection,
                                         QStringLiteral("/notes/%1.txt").arg(++m_docs), title);
    return test::addChunk(*m_conn, doc, 0, text);
}

std::unique_ptr<KeywordIndex> TestKeywordIndex::openIndex() {
    KeywordIndexOptions options;
    options.directory = m_dir->path();
    auto index = std::make_unique<KeywordIndex>(options);
    index->open(*m_conn);
    return index;
}

QString TestKeywordIndex::indexFile() const {
    const QStringList files = QDir(m_dir->path()).entryList({QStringLiteral("*.qkw")}, QDir::Files);
    return files.size() == 1 ? m_dir->filePath(files.first()) : QString();
}

QList<qint64> TestKeywordIndex::ids(const QString& query, int k) {
    QList<qint64> out;
    for (const KeywordMatch& m : keywordSearch(*m_conn, *m_index, query, {}, k))
        out.append(m.chunkId);
    return out;
}

void TestKeywordIndex::buildsThenLoadsItsFile() {
    const qint64 lighthouse =
        add(QStringLiteral("Coast"), QStringLiteral("The lighthouse keeper climbed the stairs."));
    add(QStringLiteral("Garden"), QStringLiteral("Tomatoes ripen in the late summer sun."));
    m_index = openIndex();
    QCOMPARE(m_index->status().opened, QStringLiteral("built"));
    QCOMPARE(m_index->status().chunks, 2);
    QCOMPARE(ids(QStringLiteral("lighthouses")), QList<qint64>{lighthouse});
    // Only its owner may read the file: it holds the text of the user's documents.
    const QString file = indexFile();
    QVERIFY(!file.isEmpty());
    QCOMPARE(QFile::permissions(file) &
                 (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());

    // A chunk written while no index was open is found after loading the file.
    m_index.reset();
    const qint64 tomato = add(QStringLiteral("Kitchen"), QStringLiteral("A tomato soup recipe."));
    m_index = openIndex();
    QCOMPARE(m_index->status().opened, QStringLiteral("loaded"));
    QCOMPARE(m_index->status().chunks, 3);
    QCOMPARE(ids(QStringLiteral("tomato")).size(), 2);
    QVERIFY(ids(QStringLiteral("tomato")).contains(tomato));
}

void TestKeywordIndex::questionFindsTheRareWord() {
    // Every chunk shares the question's common words; only one holds its rare one. An AND of
    // all words finds nothing here, and an unweighted OR ranks the common words' chunks first.
    for (int i = 0; i < 30; ++i)
        add(QStringLiteral("Log %1").arg(i),
            QStringLiteral("Which way did the crew follow north after the river bend on day %1?")
                .arg(i));
    const qint64 answer =
        add(QStringLiteral("Journal"), QStringLiteral("The expedition kept to the eastern bank."));
    m_index = openIndex();
    const QList<qint64> found = ids(QStringLiteral("Which river did the expedition follow north?"));
    QVERIFY(!found.isEmpty());
    QCOMPARE(found.first(), answer);
    // Explained with the words as typed.
    const auto matches =
        keywordSearch(*m_conn, *m_index, QStringLiteral("EXPEDITIONS river"), {}, 1);
    QCOMPARE(matches.size(), std::size_t{1});
    QCOMPARE(matches.front().matched, QStringList{QStringLiteral("EXPEDITIONS")});
}

void TestKeywordIndex::phrasesComeFirstThenTheRest() {
    const qint64 phrase = add(QStringLiteral("A"), QStringLiteral("Lights of New York at night"));
    const qint64 apart = add(QStringLiteral("B"), QStringLiteral("York is new to me"));
    add(QStringLiteral("C"), QStringLiteral("Nothing to see here"));
    m_index = openIndex();
    // A short list is filled with passages that hold the words but not the phrase.
    QCOMPARE(ids(QStringLiteral("\"new york\""), 10), (QList<qint64>{phrase, apart}));
    QCOMPARE(ids(QStringLiteral("\"new york\""), 1), QList<qint64>{phrase});
    // A quoted sentence found nowhere still finds its words.
    QList<qint64> quoted = ids(QStringLiteral("he said \"york is old\""), 10);
    std::sort(quoted.begin(), quoted.end());
    QCOMPARE(quoted, (QList<qint64>{phrase, apart}));
}

void TestKeywordIndex::followsInsertsUpdatesAndDeletes() {
    const qint64 keep = add(QStringLiteral("A"), QStringLiteral("granite quarry"));
    const qint64 gone = add(QStringLiteral("B"), QStringLiteral("granite statue"));
    const qint64 edited = add(QStringLiteral("C"), QStringLiteral("marble statue"));
    m_index = openIndex();
    QCOMPARE(ids(QStringLiteral("granite")).size(), 2);

    const qint64 fresh = add(QStringLiteral("D"), QStringLiteral("granite countertop"));
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = "
                                "(SELECT document_id FROM quiver.chunks WHERE id = $1)"),
                 {gone});
    m_conn->exec(QStringLiteral("UPDATE quiver.chunks SET text = 'bronze bust' WHERE id = $1"),
                 {edited});
    QList<qint64> granite = ids(QStringLiteral("granite"));
    std::sort(granite.begin(), granite.end());
    QCOMPARE(granite, (QList<qint64>{keep, fresh}));
    QVERIFY(ids(QStringLiteral("marble")).isEmpty());
    QCOMPARE(ids(QStringLiteral("bronze")), QList<qint64>{edited});
    QCOMPARE(m_index->status().chunks, 3);
    // Nothing new: a sync changes nothing.
    QCOMPARE(m_index->sync(*m_conn), std::size_t{0});
}

void TestKeywordIndex::lateCommitsAreNotMissed() {
    add(QStringLiteral("First"), QStringLiteral("alpha"));
    m_index = openIndex();
    // A transaction that started before the index's next read commits after it.
    PgConnection slow = PgConnection::open(m_conninfo);
    slow.beginTransaction();
    const qint64 doc =
        test::addDocument(slow, m_collection, QStringLiteral("/late.txt"), QStringLiteral("Late"));
    const qint64 late = test::addChunk(slow, doc, 0, QStringLiteral("zebra crossing"));
    const qint64 early = add(QStringLiteral("Early"), QStringLiteral("zebra stripes"));
    QCOMPARE(ids(QStringLiteral("zebra")), QList<qint64>{early});
    slow.commitTransaction();
    QList<qint64> both = ids(QStringLiteral("zebra"));
    std::sort(both.begin(), both.end());
    QCOMPARE(both, (QList<qint64>{late, early}));
    // What was read twice (the early chunk's log row sits above the watermark) is there once.
    QCOMPARE(m_index->status().chunks, 3);
}

void TestKeywordIndex::filtersKeepOnlyAllowedDocuments() {
    const qint64 other = test::addCollection(*m_conn, QStringLiteral("Other"));
    // Many chunks match better outside the filter: a post-filter of the top few would return
    // nothing.
    for (int i = 0; i < 200; ++i)
        add(QStringLiteral("Noise %1").arg(i), QStringLiteral("comet comet comet tail"), other);
    const qint64 inside = add(QStringLiteral("Inside"), QStringLiteral("a faint comet"));
    m_index = openIndex();
    SearchFilters f;
    f.collectionIds = {m_collection};
    const auto hits = keywordSearch(*m_conn, *m_index, QStringLiteral("comet"), f, 5);
    QCOMPARE(hits.size(), std::size_t{1});
    QCOMPARE(hits.front().chunkId, inside);
    f.collectionIds = {other + 1000};
    QVERIFY(keywordSearch(*m_conn, *m_index, QStringLiteral("comet"), f, 5).empty());
}

void TestKeywordIndex::damagedFileIsRebuilt() {
    const qint64 chunk = add(QStringLiteral("A"), QStringLiteral("harbour pilot"));
    m_index = openIndex();
    m_index.reset();
    const QString file = indexFile();
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek(f.size() / 2));
    const char byte = f.peek(1).at(0);
    QVERIFY(f.write(QByteArray(1, static_cast<char>(byte ^ 0x5a))) == 1);
    f.close();
    m_index = openIndex();
    QVERIFY2(m_index->status().opened.startsWith(QStringLiteral("rebuilt: ")),
             qPrintable(m_index->status().opened));
    QCOMPARE(ids(QStringLiteral("pilot")), QList<qint64>{chunk});
    // A file that is not an index at all is rebuilt too.
    m_index.reset();
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("not an index");
    f.close();
    m_index = openIndex();
    QVERIFY(m_index->status().opened.startsWith(QStringLiteral("rebuilt: ")));
    QCOMPARE(ids(QStringLiteral("pilot")), QList<qint64>{chunk});
}

void TestKeywordIndex::languageChangeAndTruncateRebuild() {
    const qint64 chunk = add(QStringLiteral("A"), QStringLiteral("Die Häuser stehen am Fluss."));
    m_index = openIndex();
    QCOMPARE(m_index->language(), QStringLiteral("english"));
    m_conn->exec(QStringLiteral("SELECT quiver.set_keyword_language('german')"));
    QCOMPARE(ids(QStringLiteral("Haus")), QList<qint64>{chunk});
    QCOMPARE(m_index->language(), QStringLiteral("german"));
    QVERIFY(m_index->status().opened.startsWith(QStringLiteral("rebuilt: ")));

    m_conn->exec(QStringLiteral("TRUNCATE quiver.documents CASCADE"));
    QVERIFY(ids(QStringLiteral("Haus")).isEmpty());
    QCOMPARE(m_index->status().chunks, 0);
}

void TestKeywordIndex::prunedLogForcesARebuild() {
    const qint64 old = add(QStringLiteral("A"), QStringLiteral("ancient scroll"));
    m_index = openIndex();
    m_index.reset(); // saved at this watermark
    // Deleted while no index was open, and the log of it aged past retention and was pruned.
    m_conn->exec(QStringLiteral("DELETE FROM quiver.chunks WHERE id = $1"), {old});
    m_conn->exec(QStringLiteral("UPDATE quiver.chunk_log SET logged_at = now() - interval "
                                "'40 days'"));
    QVERIFY(m_conn->exec(QStringLiteral("SELECT quiver.prune_chunk_log('30 days')")).toInt64(0, 0) >
            0);
    m_index = openIndex();
    QVERIFY2(m_index->status().opened.startsWith(QStringLiteral("rebuilt: ")),
             qPrintable(m_index->status().opened));
    QVERIFY(ids(QStringLiteral("scroll")).isEmpty());
}

QTEST_GUILESS_MAIN(TestKeywordIndex)
#include "tst_keyword_index.moc"
