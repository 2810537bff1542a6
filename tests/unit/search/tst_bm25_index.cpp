// The BM25 inverted index on its own: scores against a hand-computed example, phrases,
// required and excluded terms, removal and compaction, and its file form (round trip, damage).
#include "core/search/bm25_index.h"

#include <QTest>

#include <cmath>
#include <string>

using namespace quiver;

namespace {

// Terms at consecutive positions from a space-separated list ("_" leaves a gap, as a stop
// word does).
struct Terms {
    explicit Terms(const std::string& text) {
        std::size_t at = 0;
        int position = 0;
        while (at <= text.size()) {
            const std::size_t end = std::min(text.find(' ', at), text.size());
            words.push_back(text.substr(at, end - at));
            at = end + 1;
        }
        for (const std::string& w : words) {
            if (w != "_")
                list.emplace_back(w, position);
            ++position;
        }
        length = position;
    }
    std::vector<std::string> words;
    std::vector<TermAt> list;
    int length = 0;
};

void add(Bm25Index& index, std::int64_t chunk, const std::string& body,
         const std::string& title = {}, std::int64_t document = 0) {
    const Terms b(body);
    const Terms t(title);
    index.add(chunk, document ? document : chunk, title.empty() ? std::vector<TermAt>{} : t.list,
              title.empty() ? 0 : t.length, b.list, b.length);
}

Bm25Query scored(std::vector<std::string> terms) {
    Bm25Query q;
    q.scored = std::move(terms);
    return q;
}

QList<qint64> ids(const std::vector<Bm25Hit>& hits) {
    QList<qint64> out;
    for (const Bm25Hit& h : hits)
        out.append(h.chunkId);
    return out;
}

} // namespace

class TestBm25Index : public QObject {
    Q_OBJECT
private slots:
    void scoresMatchAHandComputedExample() {
        Bm25Index index;
        add(index, 1, "river bank river");       // length 3
        add(index, 2, "bank loan");              // length 2
        add(index, 3, "river delta plain wide"); // length 4
        Bm25Params p;
        p.k1 = 1.2;
        p.b = 0.75;
        p.titleWeight = 0.0;
        const auto hits = index.search(scored({"river", "loan"}), 10, p);
        // N = 3, avgdl = 3; idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
        const double idfRiver = std::log(1.0 + 1.5 / 2.5);
        const double idfLoan = std::log(1.0 + 2.5 / 1.5);
        const auto part = [](double tf, double dl) {
            return tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / 3.0));
        };
        const double s1 = idfRiver * part(2, 3);
        const double s2 = idfLoan * part(1, 2);
        const double s3 = idfRiver * part(1, 4);
        QCOMPARE(ids(hits), (QList<qint64>{2, 1, 3}));
        QVERIFY(std::abs(hits[0].score - s2) < 1e-5);
        QVERIFY(std::abs(hits[1].score - s1) < 1e-5);
        QVERIFY(std::abs(hits[2].score - s3) < 1e-5);
        QCOMPARE(hits[0].matched, std::uint64_t{2}); // "loan", the second term
        QCOMPARE(hits[1].matched, std::uint64_t{1});
        // A query that says "river" twice counts it twice.
        Bm25Query twice = scored({"river", "loan"});
        twice.repeats = {2.0, 1.0};
        const auto again = index.search(twice, 10, p);
        QCOMPARE(ids(again), (QList<qint64>{1, 2, 3}));
        QVERIFY(std::abs(again[0].score - 2 * s1) < 1e-5);
    }
    void titleWordsCountByTheirWeight() {
        Bm25Index index;
        add(index, 1, "notes on many things", "harbour");
        add(index, 2, "the harbour master notes", "diary");
        Bm25Params p;
        p.titleWeight = 3.0;
        QCOMPARE(ids(index.search(scored({"harbour"}), 10, p)), (QList<qint64>{1, 2}));
        p.titleWeight = 0.0;
        QCOMPARE(ids(index.search(scored({"harbour"}), 10, p)), (QList<qint64>{2}));
    }
    void phrasesRequiredAndExcludedTerms() {
        Bm25Index index;
        add(index, 1, "new york city lights");
        add(index, 2, "york is new to me");
        add(index, 3, "lord _ _ ring saga");
        add(index, 4, "the ring of a lord");
        Bm25Query q = scored({"new", "york"});
        q.phrases.push_back({{"new", 0}, {"york", 1}});
        QCOMPARE(ids(index.search(q, 10, {})), (QList<qint64>{1}));
        // Gaps left by stop words are part of the phrase.
        Bm25Query lord = scored({"lord", "ring"});
        lord.phrases.push_back({{"lord", 0}, {"ring", 3}});
        QCOMPARE(ids(index.search(lord, 10, {})), (QList<qint64>{3}));
        // A phrase in the title matches too; across fields it does not.
        add(index, 5, "travel guide", "new york");
        QVERIFY(ids(index.search(q, 10, {})).contains(5));
        Bm25Query required = scored({"lord", "saga"});
        required.required = {"saga"};
        QCOMPARE(ids(index.search(required, 10, {})), (QList<qint64>{3}));
        Bm25Query excluded = scored({"lord"});
        excluded.excluded = {"saga"};
        QCOMPARE(ids(index.search(excluded, 10, {})), (QList<qint64>{4}));
        Bm25Query gone = scored({"york"});
        gone.excludedPhrases.push_back({{"new", 0}, {"york", 1}});
        QCOMPARE(ids(index.search(gone, 10, {})), (QList<qint64>{2}));
        // A required word that occurs nowhere leaves nothing.
        Bm25Query none = scored({"lord"});
        none.required = {"dragon"};
        QVERIFY(index.search(none, 10, {}).empty());
    }
    void filterAndTopK() {
        Bm25Index index;
        for (int i = 1; i <= 50; ++i)
            add(index, i, std::string("comet") + (i % 2 ? " comet" : ""), {}, 100 + i % 5);
        const auto all = index.search(scored({"comet"}), 100, {});
        QCOMPARE(all.size(), std::size_t{50});
        const auto top = index.search(scored({"comet"}), 7, {});
        QCOMPARE(top.size(), std::size_t{7});
        for (std::size_t i = 0; i < top.size(); ++i)
            QCOMPARE(top[i].chunkId, all[i].chunkId);
        // Equal scores: smaller ids first.
        QCOMPARE(top[0].chunkId, std::int64_t{1});
        const auto only =
            index.search(scored({"comet"}), 100, {}, [](std::int64_t d) { return d == 103; });
        QCOMPARE(only.size(), std::size_t{10});
        for (const Bm25Hit& h : only)
            QCOMPARE(h.documentId, std::int64_t{103});
    }
    void removeReplaceAndCompact() {
        Bm25Index index;
        for (int i = 1; i <= 20; ++i)
            add(index, i, i <= 10 ? "alpha beta" : "beta gamma");
        for (int i = 1; i <= 10; ++i)
            QVERIFY(index.remove(i));
        QVERIFY(!index.remove(1));
        QCOMPARE(index.size(), std::size_t{10});
        QVERIFY(index.search(scored({"alpha"}), 10, {}).empty());
        const auto before = index.search(scored({"beta", "gamma"}), 20, {});
        // Replacing a chunk keeps one copy, with the new text.
        add(index, 11, "delta");
        QCOMPARE(index.size(), std::size_t{10});
        QCOMPARE(ids(index.search(scored({"delta"}), 10, {})), (QList<qint64>{11}));
        QVERIFY(!ids(index.search(scored({"gamma"}), 20, {})).contains(11));
        index.compact();
        QCOMPARE(index.removedSlots(), std::size_t{0});
        QCOMPARE(index.size(), std::size_t{10});
        QCOMPARE(index.termCount(), std::size_t{3}); // alpha is gone with its chunks
        QCOMPARE(ids(index.search(scored({"delta"}), 10, {})), (QList<qint64>{11}));
        QCOMPARE(index.search(scored({"beta", "gamma"}), 20, {}).size(), before.size() - 1);
    }
    void fileRoundTripAndDamage() {
        Bm25Index index;
        add(index, 5, "salt water marsh", "tides");
        add(index, 6, "fresh water lake");
        add(index, 7, "water _ marsh");
        index.remove(6);
        std::string bytes;
        index.write(bytes);
        const Bm25Index copy = Bm25Index::read(bytes);
        QCOMPARE(copy.size(), index.size());
        Bm25Query q = scored({"water", "marsh", "tides"});
        const auto a = index.search(q, 10, {});
        const auto b = copy.search(q, 10, {});
        QCOMPARE(ids(a), ids(b));
        for (std::size_t i = 0; i < a.size(); ++i)
            QCOMPARE(a[i].score, b[i].score);
        // Any flipped byte and any cut is refused, never read.
        for (std::size_t at = 0; at < bytes.size(); at += 7) {
            std::string bad = bytes;
            bad[at] = static_cast<char>(bad[at] ^ 0x10);
            QVERIFY_THROWS_EXCEPTION(std::runtime_error, Bm25Index::read(bad));
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 Bm25Index::read(std::string_view(bytes).substr(0, 30)));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, Bm25Index::read({}));
    }
};

QTEST_APPLESS_MAIN(TestBm25Index)
#include "tst_bm25_index.moc"
