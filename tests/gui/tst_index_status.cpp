// The search index's build in the status bar: its progress and the time left, from the
// service's reports, on a clock the test sets.
#include "ui/common/eta_estimate.h"
#include "ui/mainwindow/index_status_widget.h"

#include <QTest>

using namespace quiver;

class TestIndexStatus : public QObject {
    Q_OBJECT

private slots:
    void estimateNeedsSomethingToGoOn() {
        EtaEstimate eta;
        eta.start(1000);
        QVERIFY(!eta.secondsLeft(0.5, 2000));   // too soon
        QVERIFY(!eta.secondsLeft(0.01, 60000)); // too little done
        QCOMPARE(eta.secondsLeft(0.25, 11000), std::optional<qint64>(30));
        QCOMPARE(eta.secondsLeft(0.5, 61000), std::optional<qint64>(60));
        QVERIFY(!eta.secondsLeft(1.0, 61000));
    }
    void timesLeftReadAsPeopleSayThem() {
        QCOMPARE(EtaEstimate::describe(1), QStringLiteral("about 5 s left"));
        QCOMPARE(EtaEstimate::describe(42), QStringLiteral("about 45 s left"));
        QCOMPARE(EtaEstimate::describe(61), QStringLiteral("about 2 min left"));
        QCOMPARE(EtaEstimate::describe(60), QStringLiteral("about 1 min left"));
        QCOMPARE(EtaEstimate::describe(3 * 3600 + 1), QStringLiteral("about 4 h left"));
    }
    void showsTheBuildAndGoesWhenItEnds() {
        SearchService service;
        QWidget bar;
        auto* widget = new IndexStatusWidget(&service, &bar);
        qint64 now = 0;
        widget->setClock([&now] { return now; });
        bar.show();
        QVERIFY(widget->text().isEmpty());

        using S = SearchService::State;
        widget->onState(S::Building, QStringLiteral("Reading vectors"), 0.0);
        QCOMPARE(widget->text(), QStringLiteral("Search index: 0%"));
        now = 20'000;
        widget->onState(S::Building, QStringLiteral("Building graph"), 0.4);
        QCOMPARE(widget->text(), QStringLiteral("Search index: 40% · about 30 s left"));
        QCOMPARE(widget->toolTip(), QStringLiteral("Building graph"));
        // The next index starts from 0: its own estimate.
        now = 50'000;
        widget->onState(S::Building, QStringLiteral("Keywords"), 0.0);
        now = 60'000;
        widget->onState(S::Building, QStringLiteral("Keywords"), 0.5);
        QCOMPARE(widget->text(), QStringLiteral("Search index: 50% · about 10 s left"));
        widget->onState(S::Ready, QStringLiteral("1,000 passages indexed"), 1.0);
        QVERIFY(widget->text().isEmpty());
        QVERIFY(!widget->isVisible());
    }
};

QTEST_MAIN(TestIndexStatus)
#include "tst_index_status.moc"
