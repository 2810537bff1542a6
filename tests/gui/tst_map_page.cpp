// The Map page against the real test server: a library of known topics is drawn as one named
// group per topic without stalling the GUI thread; hovering a dot shows its passage, clicking it
// shows it in context, the Search page's results light up, zoom keeps the point under the
// pointer, and a redraw can be cancelled.

#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/map/map_service.h"
#include "core/session/database_target.h"
#include "tests/harness/stall_monitor.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/topic_fixture.h"
#include "ui/map/map_page.h"
#include "ui/map/map_view.h"
#include "ui/search/search_preview.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QWheelEvent>

#include <map>
#include <memory>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
constexpr int kTimeoutMs = 120000;
constexpr int kPerTopic = 40;

template <typename T>
T* child(QObject* parent, const char* name) {
    return parent->findChild<T*>(QString::fromLatin1(name));
}
} // namespace

class TestMapPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void drawsTopicsAsNamedGroupsWithoutStalling();
    void hoverShowsAPassageAndClickShowsItInContext();
    void searchResultsLightUp();
    void colouringByCollectionAndDocument();
    void wheelZoomKeepsThePointUnderThePointer();
    void redrawCanBeCancelled();

private:
    int indexOfTopic(int topic) const;

    QString m_conninfo;
    std::vector<test::TopicPassage> m_passages;
    std::map<qint64, int> m_topicOf;
    std::unique_ptr<MapPage> m_page;
    QList<QUrl> m_opened;
};

void TestMapPage::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuiverTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_map_page"));
    QSettings().clear();
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("mappage"));
    {
        PgConnection c = PgConnection::open(m_conninfo);
        Migrations::apply(c);
        m_passages = test::addTopicLibrary(c, QStringLiteral("test-model"), kPerTopic);
    }
    for (const auto& p : m_passages)
        m_topicOf[p.chunkId] = p.topic;
    m_page = std::make_unique<MapPage>();
    m_page->setUrlOpener([this](const QUrl& url) {
        m_opened.append(url);
        return true;
    });
    m_page->resize(1000, 700);
}

void TestMapPage::cleanupTestCase() {
    m_page.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

int TestMapPage::indexOfTopic(int topic) const {
    const CollectionMap* map = m_page->view()->map();
    for (std::size_t i = 0; i < map->passages.size(); ++i)
        if (m_topicOf.at(map->passages[i].chunkId) == topic)
            return static_cast<int>(i);
    return -1;
}

void TestMapPage::drawsTopicsAsNamedGroupsWithoutStalling() {
    auto* empty = child<QWidget>(m_page.get(), "mapEmptyState");
    QVERIFY(empty);
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = m_conninfo;
    // Set before the page is shown: drawn when it is shown, not before.
    m_page->setDatabase(target);
    QVERIFY(!m_page->service()->running());

    test::StallMonitor monitor;
    monitor.setPhase(QStringLiteral("drawing the map"));
    monitor.start();
    QSignalSpy shown(m_page.get(), &MapPage::mapShown);
    m_page->show(); // the show event starts the drawing
    QVERIFY(m_page->service()->running());
    QVERIFY(child<QWidget>(m_page.get(), "mapProgress")->isVisible());
    QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
    QVERIFY(shown.size() == 1 || shown.wait(kTimeoutMs));
    monitor.pause();
    QVERIFY2(monitor.worstGapMs() < test::kLongestGapMs,
             qPrintable(QStringLiteral("the GUI thread stalled for %1 ms while drawing the map")
                            .arg(monitor.worstGapMs())));
    QVERIFY(!child<QWidget>(m_page.get(), "mapProgress")->isVisible());

    const CollectionMap* map = m_page->view()->map();
    QVERIFY(map);
    QCOMPARE(map->passages.size(), m_passages.size());
    QCOMPARE(map->clusters.size(), std::size_t(3));
    QVERIFY(m_page->view()->isVisible());
    const QString summary = child<QLabel>(m_page.get(), "mapSummaryLabel")->text();
    QVERIFY2(summary.contains(QLatin1String("120 passages")) &&
                 summary.contains(QLatin1String("3 group")),
             qPrintable(summary));
    // Each group's name is one of its topic's own words, drawn where its dots are.
    for (std::size_t g = 0; g < map->clusters.size(); ++g) {
        int topic = -1;
        for (const MapPassage& p : map->passages)
            if (p.cluster == static_cast<int>(g))
                topic = m_topicOf.at(p.chunkId);
        QVERIFY(topic >= 0);
        QVERIFY2(test::fixtureTopics()[topic].words.contains(map->clusters[g].words.first()),
                 qPrintable(map->clusters[g].words.join(QLatin1Char(','))));
    }
    // Every dot is on screen.
    for (std::size_t i = 0; i < map->passages.size(); ++i) {
        const QPointF at = m_page->view()->positionOf(static_cast<int>(i));
        QVERIFY(m_page->view()->rect().contains(at.toPoint()));
    }
}

void TestMapPage::hoverShowsAPassageAndClickShowsItInContext() {
    MapView* view = m_page->view();
    const int i = indexOfTopic(1);
    QVERIFY(i >= 0);
    const QPoint at = view->positionOf(i).toPoint();
    const int under = view->passageAt(at);
    QVERIFY(under >= 0);
    // Dots of one topic may overlap; whichever is on top is of the same topic.
    const MapPassage& p = view->map()->passages[static_cast<std::size_t>(under)];
    QCOMPARE(m_topicOf.at(p.chunkId), 1);
    const QString tip = view->toolTipFor(under);
    QVERIFY(tip.startsWith(p.title));
    QVERIFY(tip.contains(p.collection));
    QVERIFY(tip.contains(p.text.simplified()));
    QCOMPARE(view->passageAt(QPoint(2, 2)), -1); // a corner, away from every dot

    auto* preview = child<SearchPreview>(m_page.get(), "mapPreview");
    QSignalSpy context(preview, &SearchPreview::contextShown);
    QTest::mouseClick(view, Qt::LeftButton, {}, at);
    QCOMPARE(preview->hit().chunkId, p.chunkId);
    QCOMPARE(view->selected(), under);
    QVERIFY(context.wait(kTimeoutMs));
    QVERIFY(preview->text().contains(p.text));
    // Open goes to the file.
    m_opened.clear();
    QTest::mouseClick(child<QPushButton>(preview, "searchPreviewOpen"), Qt::LeftButton);
    QCOMPARE(m_opened.size(), 1);
    QCOMPARE(m_opened.first().toLocalFile(), p.path);
}

void TestMapPage::searchResultsLightUp() {
    QList<qint64> results;
    for (const auto& p : m_passages)
        if (p.topic == 2 && results.size() < 5)
            results.append(p.chunkId);
    results.append(999999999); // a result the map does not hold (not in its sample)
    m_page->setResults(QStringLiteral("tenant clause"), results);
    QCOMPARE(m_page->view()->highlightedCount(), 5);
    auto* lit = child<QLabel>(m_page.get(), "mapResultsLabel");
    QVERIFY(lit->isVisible());
    QVERIFY2(lit->text().contains(QLatin1String("5 of the 6 result")), qPrintable(lit->text()));
    QVERIFY(lit->text().contains(QLatin1String("tenant clause")));
    // A lit dot wins the pointer over the faded ones it covers.
    const CollectionMap* map = m_page->view()->map();
    for (std::size_t i = 0; i < map->passages.size(); ++i)
        if (map->passages[i].chunkId == results.first()) {
            const int under = m_page->view()->passageAt(
                m_page->view()->positionOf(static_cast<int>(i)).toPoint());
            QVERIFY(results.contains(map->passages[static_cast<std::size_t>(under)].chunkId));
        }
    m_page->setResults({}, {});
    QCOMPARE(m_page->view()->highlightedCount(), 0);
    QVERIFY(!lit->isVisible());
}

void TestMapPage::colouringByCollectionAndDocument() {
    auto* combo = child<QComboBox>(m_page.get(), "mapColouringCombo");
    MapView* view = m_page->view();
    combo->setCurrentIndex(1);
    const int a = indexOfTopic(0);
    const int b = indexOfTopic(1);
    QVERIFY(view->colourOf(a) != view->colourOf(b));
    const CollectionMap* map = view->map();
    for (std::size_t i = 0; i < map->passages.size(); ++i)
        if (map->passages[i].collection == map->passages[static_cast<std::size_t>(a)].collection)
            QCOMPARE(view->colourOf(static_cast<int>(i)), view->colourOf(a));
    QCOMPARE(QSettings().value(QStringLiteral("map/colouring")).toInt(), 1);
    // By document: one passage each here, so the palette is used, not one colour for all.
    combo->setCurrentIndex(2);
    QSet<QRgb> colours;
    for (std::size_t i = 0; i < map->passages.size(); ++i)
        colours.insert(view->colourOf(static_cast<int>(i)).rgb());
    QVERIFY(colours.size() >= 8);
    combo->setCurrentIndex(0);
}

void TestMapPage::wheelZoomKeepsThePointUnderThePointer() {
    MapView* view = m_page->view();
    const int i = indexOfTopic(0);
    const QPointF before = view->positionOf(i);
    const QPointF pointer = before + QPointF(3, -2);
    const QPointF other = view->positionOf(indexOfTopic(2));
    QWheelEvent wheel(pointer, view->mapToGlobal(pointer), {}, QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
    const QPointF after = view->positionOf(i);
    // The dot near the pointer stays put; one farther off moves away from it.
    QVERIFY(std::abs(after.x() - before.x()) < 6 && std::abs(after.y() - before.y()) < 6);
    const QPointF otherAfter = view->positionOf(indexOfTopic(2));
    QVERIFY(QLineF(pointer, otherAfter).length() > QLineF(pointer, other).length() * 1.4);
    QTest::keyClick(view, Qt::Key_0);
    QCOMPARE(view->positionOf(i), before);
}

void TestMapPage::redrawCanBeCancelled() {
    QSignalSpy cancelled(m_page->service(), &MapService::cancelled);
    auto* redraw = child<QPushButton>(m_page.get(), "mapRedrawButton");
    QVERIFY(redraw->isEnabled());
    QTest::mouseClick(redraw, Qt::LeftButton);
    QVERIFY(!redraw->isEnabled());
    auto* cancel = child<QPushButton>(m_page.get(), "mapCancelButton");
    QVERIFY(cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(cancelled.size(), 1);
    QVERIFY(redraw->isEnabled());
    QVERIFY(!cancel->isVisible());
    // The map drawn before stays.
    QCOMPARE(m_page->view()->map()->passages.size(), m_passages.size());
    QVERIFY(child<QLabel>(m_page.get(), "mapSummaryLabel")
                ->text()
                .contains(QLatin1String("cancelled")));
    // And a redraw after a cancel finishes.
    QSignalSpy shown(m_page.get(), &MapPage::mapShown);
    QTest::keyClick(m_page.get(), Qt::Key_F5);
    QVERIFY(shown.wait(kTimeoutMs));
}

QTEST_MAIN(TestMapPage)
#include "tst_map_page.moc"
