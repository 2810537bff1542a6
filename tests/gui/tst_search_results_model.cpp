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
};

QTEST_MAIN(TestSearchResultsModel)
#include "tst_search_results_model.moc"
