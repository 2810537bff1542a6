#include "core/search/query_terms.h"
#include "ui/search/search_results_model.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace quiver;

class TestSearchResultsModel : public QObject {
    Q_OBJECT
private slots:
    void rolesAndEscapedHighlights() {
        SearchResultsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        SearchHit h;
        h.chunkId = 7;
        h.path = QStringLiteral("/docs/a.pdf");
        h.collection = QStringLiteral("Papers");
        h.page = 3;
        h.score = 0.5;
        h.text = QStringLiteral("<script>orbits</script> & more orbits");
        model.setResults({h}, {QStringLiteral("orbits")});
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex i = model.index(0, 0);
        QCOMPARE(i.data().toString(), QStringLiteral("a.pdf")); // no title: the file name
        QCOMPARE(i.data(SearchResultsModel::PageRole).toInt(), 3);
        QCOMPARE(i.data(SearchResultsModel::ChunkIdRole).toLongLong(), qint64{7});
        const QString html = i.data(SearchResultsModel::HtmlRole).toString();
        QVERIFY2(html.contains(QLatin1String("&lt;script&gt;")), qPrintable(html));
        QVERIFY(!html.contains(QLatin1String("<script>")));
        QCOMPARE(html.count(QLatin1String(">orbits</span>")), 2);
        QVERIFY(html.contains(QLatin1String("page 3")));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // Stop words and words that merely start like a query word are never marked.
    void onlyAnalysedMatchesAreMarked() {
        const QString text = QStringLiteral("The history of their rivers: the river ran on.");
        TextAnalyzer analyzer;
        const QString html = SearchResultsModel::markTerms(
            text, highlightTerms(QStringLiteral("the history of the river"), analyzer).values());
        const QString mark = QStringLiteral("color:#000;\">");
        QVERIFY2(html.contains(mark + QStringLiteral("history</span>")), qPrintable(html));
        QVERIFY2(html.contains(mark + QStringLiteral("rivers</span>")), qPrintable(html));
        QVERIFY2(html.contains(mark + QStringLiteral("river</span>")), qPrintable(html));
        for (const char* word : {"The", "the", "of", "their"})
            QVERIFY2(!html.contains(mark + QLatin1String(word) + QLatin1String("</span>")),
                     qPrintable(html));
        QCOMPARE(html.count(QLatin1String("</span>")), 3);
    }

    // One document's passages stay together under its best one, a few at a time; relevance is
    // shown in words against the best result, the numbers only in the tooltip.
    void groupsByDocumentWithMoreRows() {
        SearchResultsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<SearchHit> hits;
        const auto add = [&hits](qint64 doc, qint64 chunk, double score) {
            SearchHit h;
            h.documentId = doc;
            h.chunkId = chunk;
            h.score = score;
            h.title = QStringLiteral("Doc %1").arg(doc);
            h.collection = QStringLiteral("Books");
            h.path = QStringLiteral("/books/%1.txt").arg(doc);
            h.text = QStringLiteral("passage %1").arg(chunk);
            hits.append(h);
        };
        // Ranked: doc 1 holds five of the seven, doc 2 comes second overall.
        add(1, 10, 0.016);
        add(2, 20, 0.0159);
        add(1, 11, 0.0158);
        add(1, 12, 0.0156);
        add(1, 13, 0.0154);
        add(3, 30, 0.004);
        add(1, 14, 0.0152);
        model.setResults(hits, {});
        QCOMPARE(model.hitCount(), 7);
        QCOMPARE(model.documentCount(), 3);
        // Doc 1: three passages and "2 more"; then doc 2; then doc 3.
        QCOMPARE(model.rowCount(), 6);
        const QList<qint64> chunks{10, 11, 12, 0, 20, 30};
        for (int r = 0; r < chunks.size(); ++r)
            QCOMPARE(model.index(r, 0).data(SearchResultsModel::ChunkIdRole).toLongLong(),
                     chunks[r]);
        QVERIFY(model.isMore(3));
        QVERIFY(!model.hitAt(3));
        QCOMPARE(model.hitAt(4)->chunkId, qint64{20});
        const QString more = model.index(3, 0).data(SearchResultsModel::HtmlRole).toString();
        QVERIFY2(more.contains(QLatin1String("2 more passage")), qPrintable(more));
        // The title is shown once per document, not on its further passages.
        QVERIFY(model.index(0, 0)
                    .data(SearchResultsModel::HtmlRole)
                    .toString()
                    .contains(QLatin1String("<b>Doc 1</b>")));
        QVERIFY(!model.index(1, 0)
                     .data(SearchResultsModel::HtmlRole)
                     .toString()
                     .contains(QLatin1String("Doc 1")));

        // Relevance against the best: words and dots, not 0.016.
        const QString top = model.index(0, 0).data(SearchResultsModel::HtmlRole).toString();
        QVERIFY2(top.contains(QLatin1String("Best match")), qPrintable(top));
        QVERIFY(!top.contains(QLatin1String("0.016")));
        QCOMPARE(model.index(0, 0).data(SearchResultsModel::RelevanceRole).toDouble(), 1.0);
        QVERIFY(model.index(5, 0)
                    .data(SearchResultsModel::HtmlRole)
                    .toString()
                    .contains(QLatin1String("Weak match")));
        const QString tip = model.index(0, 0).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QLatin1String("0.0160")), qPrintable(tip));

        // "More" shows the rest in place.
        QCOMPARE(model.expand(3), 3);
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.index(3, 0).data(SearchResultsModel::ChunkIdRole).toLongLong(), qint64{13});
        QCOMPARE(model.index(4, 0).data(SearchResultsModel::ChunkIdRole).toLongLong(), qint64{14});
        QCOMPARE(model.expand(0), -1); // not a "more" row
    }
};

QTEST_MAIN(TestSearchResultsModel)
#include "tst_search_results_model.moc"
