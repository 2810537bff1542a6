// Fusing the keyword and the semantic ranking: weighted reciprocal ranks and normalised scores.
#include "core/search/rank_fusion.h"
#include "core/search/search_types.h"

#include <QTest>

using namespace quiver;

namespace {

QList<qint64> order(const std::vector<FusedChunk>& fused) {
    QList<qint64> out;
    for (const FusedChunk& f : fused)
        out.append(f.chunkId);
    return out;
}

FusionParams rrf(double keywordWeight = 0.5) {
    FusionParams p;
    p.method = FusionParams::Method::ReciprocalRank;
    p.keywordWeight = keywordWeight;
    return p;
}

} // namespace

class TestRankFusion : public QObject {
    Q_OBJECT
private slots:
    void agreementBeatsASingleFirstPlace() {
        // 7 is first in one list only; 3 is second in both: 2/62 > 1/61 + 1/(60+4).
        const auto fused = fuseRankings({{7, 9.0}, {3, 8.0}, {4, 1.0}},
                                        {{5, 0.9}, {3, 0.8}, {1, 0.7}, {7, 0.1}}, rrf());
        QCOMPARE(fused.size(), std::size_t{5});
        QCOMPARE(fused[0].chunkId, qint64{3});
        QCOMPARE(fused[0].score, 0.5 * 2.0 / 62.0);
        QCOMPARE(fused[1].chunkId, qint64{7});
        QCOMPARE(fused[1].score, 0.5 / 61.0 + 0.5 / 64.0);
        // Each arm's rank and own score travel with the chunk.
        QCOMPARE(fused[1].keyword->rank, 1);
        QCOMPARE(fused[1].keyword->score, 9.0);
        QCOMPARE(fused[1].semantic->rank, 4);
        QVERIFY(!fused.back().keyword.has_value() || !fused.back().semantic.has_value());
        for (std::size_t i = 1; i < fused.size(); ++i)
            QVERIFY(fused[i - 1].score >= fused[i].score);
    }
    void weightsFavourAnArm() {
        const auto keyword = fuseRankings({{1, 5}}, {{2, 0.9}}, rrf(0.8));
        QCOMPARE(order(keyword), (QList<qint64>{1, 2}));
        const auto semantic = fuseRankings({{1, 5}}, {{2, 0.9}}, rrf(0.2));
        QCOMPARE(order(semantic), (QList<qint64>{2, 1}));
    }
    void scoresAreScaledPerQuery() {
        FusionParams p;
        p.keywordWeight = 0.7;
        // BM25 divided by the best (10 -> 1, 5 -> 0.5); cosine min-max (0.9 -> 1, 0.5 -> 0).
        const auto fused = fuseRankings({{1, 10.0}, {2, 5.0}}, {{2, 0.9}, {3, 0.5}}, p);
        QCOMPARE(order(fused), (QList<qint64>{1, 2, 3}));
        QVERIFY(qAbs(fused[0].score - 0.7) < 1e-12);
        QVERIFY(qAbs(fused[1].score - (0.7 * 0.5 + 0.3 * 1.0)) < 1e-12);
        QVERIFY(qAbs(fused[2].score - 0.0) < 1e-12);
    }
    void fusionBeatsBothArms() {
        // The answer (9) is third by keywords and second by meaning; each arm's first is a
        // different wrong passage. Fused, the passage both arms rate well comes first.
        const std::vector<RankedChunk> keyword{{1, 10.0}, {2, 9.5}, {9, 9.0}};
        const std::vector<RankedChunk> semantic{{3, 0.80}, {9, 0.79}, {4, 0.20}};
        for (const FusionParams& p : {FusionParams{}, rrf()}) {
            const auto fused = fuseRankings(keyword, semantic, p);
            QCOMPARE(fused.front().chunkId, qint64{9});
        }
    }
    void oneArmAloneKeepsItsOrder() {
        const auto fused = fuseRankings({}, {{4, 0.3}, {2, 0.2}}, FusionParams{});
        QCOMPARE(order(fused), (QList<qint64>{4, 2}));
        QVERIFY(fuseRankings({}, {}, FusionParams{}).empty());
        // Equal scores: the better keyword rank first, then the smaller id.
        const auto tie = fuseRankings({{8, 1.0}, {6, 1.0}}, {}, FusionParams{});
        QCOMPARE(order(tie), (QList<qint64>{8, 6}));
    }
    void modeNamesRoundTrip() {
        for (const SearchMode m : {SearchMode::Hybrid, SearchMode::Semantic, SearchMode::Keyword})
            QCOMPARE(searchModeFromName(searchModeName(m)), std::optional<SearchMode>(m));
        QVERIFY(!searchModeFromName(QStringLiteral("fuzzy")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestRankFusion)
#include "tst_rank_fusion.moc"
