#include "core/search/rrf_fusion.h"
#include "core/search/search_types.h"

#include <QTest>

using namespace quiver;

class TestRrfFusion : public QObject {
    Q_OBJECT
private slots:
    void agreementBeatsASingleFirstPlace() {
        // 7 is first in one list only; 3 is second in both: 2/62 > 1/61 + 1/(60+4).
        const std::vector<std::vector<RankedChunk>> lists{{{7, 9.0}, {3, 8.0}, {4, 1.0}},
                                                          {{5, 0.9}, {3, 0.8}, {1, 0.7}, {7, 0.1}}};
        const auto fused = fuseReciprocalRanks(lists);
        QCOMPARE(fused.size(), std::size_t{5});
        QCOMPARE(fused[0].chunkId, qint64{3});
        QCOMPARE(fused[0].score, 2.0 / 62.0);
        QCOMPARE(fused[1].chunkId, qint64{7});
        QCOMPARE(fused[1].score, 1.0 / 61.0 + 1.0 / 64.0);
        for (std::size_t i = 1; i < fused.size(); ++i)
            QVERIFY(fused[i - 1].score >= fused[i].score);
    }
    void tiesKeepFirstAppearance() {
        const auto fused = fuseReciprocalRanks({{{10, 1}}, {{20, 1}}});
        QCOMPARE(fused.size(), std::size_t{2});
        QCOMPARE(fused[0].chunkId, qint64{10});
        QCOMPARE(fused[1].chunkId, qint64{20});
    }
    void emptyListsFuseToNothing() {
        QVERIFY(fuseReciprocalRanks({}).empty());
        QVERIFY(fuseReciprocalRanks({{}, {}}).empty());
    }
    void modeNamesRoundTrip() {
        for (const SearchMode m : {SearchMode::Hybrid, SearchMode::Semantic, SearchMode::Keyword})
            QCOMPARE(searchModeFromName(searchModeName(m)), std::optional<SearchMode>(m));
        QVERIFY(!searchModeFromName(QStringLiteral("fuzzy")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestRrfFusion)
#include "tst_rrf_fusion.moc"
