// The Search page's grouping, preview and keys: the real SearchPage on the offscreen platform
// with its SearchService on the PostgreSQL server of the ctest fixture, over a small corpus.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/session/database_target.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/search/search_fixture.h"
#include "ui/common/empty_state.h"
#include "ui/search/search_page.h"
#include "ui/search/search_preview.h"
#include "ui/search/search_results_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <memory>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
constexpr int kDims = 16;
constexpr int kTimeoutMs = 60000;

template <typename T>
T* child(QObject* parent, const char* name) {
    T* w = parent->findChild<T*>(QString::fromLatin1(name));
    if (!w)
        qWarning("no child %s", name);
    return w;
}

const QStringList kSentences{
    QStringLiteral("Alpha river one."),    QStringLiteral("Beta river two."),
    QStringLiteral("Gamma river three."),  QStringLiteral("Delta river four."),
    QStringLiteral("Epsilon river five."), QStringLiteral("Zeta river six."),
};
constexpr int kOverlap = 6; // each chunk repeats the last characters of the one before
} // namespace

class TestSearchPreview : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void groupsByDocumentAndShowsMore();
    void previewShowsThePassageInContext();
    void previewButtonsOpenCopyAndShowTheFolder();
    void escapeClearsAndFocusQuerySelects();
    void splitterIsRemembered();

private:
    int rowOfChunk(qint64 chunk) const;

    QString m_conninfo;
    QTemporaryDir m_dir;
    std::unique_ptr<SearchPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QList<qint64> m_journey; // chunk ids by ordinal
    QList<QUrl> m_opened;
};

void TestSearchPreview::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuiverTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_search_preview"));
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("searchpreview"));
    {
        PgConnection c = PgConnection::open(m_conninfo);
        Migrations::apply(c);
        test::WordHashEmbedder embedder(kDims);
        const qint64 books = test::addCollection(c, QStringLiteral("Books"));
        const qint64 journey = test::addDocument(
            c, books, QStringLiteral("/corpus/trips/journey.txt"), QStringLiteral("Journey"));
        // The document's text, and chunks of it that overlap as the chunker's do.
        const QString text = kSentences.join(QLatin1Char(' '));
        int at = 0;
        for (int i = 0; i < kSentences.size(); ++i) {
            const int start = i == 0 ? 0 : at - kOverlap;
            const int end = at + static_cast<int>(kSentences[i].size());
            const QString chunk = text.mid(start, end - start);
            const qint64 id = test::addChunk(c, journey, i, chunk);
            c.exec(QStringLiteral(
                       "UPDATE quiver.chunks SET char_start = $2, char_end = $3 WHERE id = $1"),
                   {id, start, end});
            test::addEmbedding(c, id, embedder.modelId(), embedder.vectorOf(chunk));
            m_journey.append(id);
            at = end + 1;
        }
        const qint64 other = test::addDocument(c, books, QStringLiteral("/corpus/other.txt"),
                                               QStringLiteral("Other"));
        const QString otherText = QStringLiteral("A lone river passage elsewhere.");
        test::addEmbedding(c, test::addChunk(c, other, 0, otherText), embedder.modelId(),
                           embedder.vectorOf(otherText));
    }
    m_page = std::make_unique<SearchPage>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        child<QListView>(m_page.get(), "searchResultsView")->model(),
        QAbstractItemModelTester::FailureReportingMode::QtTest);
    SearchIndexOptions options;
    options.directory = m_dir.path();
    m_page->service()->setIndexOptions(options);
    m_page->service()->setEmbedderFactory([](PgConnection&, const QString&) {
        return [](const QString& t) { return test::WordHashEmbedder(kDims).vectorOf(t); };
    });
    m_page->setUrlOpener([this](const QUrl& url) {
        m_opened.append(url);
        return true;
    });
    m_page->resize(1000, 700);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = m_conninfo;
    m_page->setDatabase(target);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->service()->state() == SearchService::State::Ready, kTimeoutMs);
    child<QComboBox>(m_page.get(), "searchModeCombo")->setCurrentIndex(2); // keywords
}

void TestSearchPreview::cleanupTestCase() {
    m_tester.reset();
    m_page.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestSearchPreview::init() {
    auto* query = child<QLineEdit>(m_page.get(), "searchQueryEdit");
    query->clear();
    query->setFocus();
    m_opened.clear();
}

int TestSearchPreview::rowOfChunk(qint64 chunk) const {
    const QAbstractItemModel* model = child<QListView>(m_page.get(), "searchResultsView")->model();
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data(SearchResultsModel::ChunkIdRole).toLongLong() == chunk)
            return r;
    return -1;
}

void TestSearchPreview::groupsByDocumentAndShowsMore() {
    auto* view = child<QListView>(m_page.get(), "searchResultsView");
    auto* model = view->model();
    QTest::keyClicks(child<QLineEdit>(m_page.get(), "searchQueryEdit"), QStringLiteral("river"));
    // Six passages of one document and one of another: three, a "more" row, then the other.
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, kTimeoutMs);
    QStringList titles;
    for (int r = 0; r < model->rowCount(); ++r)
        titles << model->index(r, 0).data().toString();
    const QStringList grouped{QStringLiteral("Journey"), QStringLiteral("Journey"),
                              QStringLiteral("Journey"), QStringLiteral("Journey"),
                              QStringLiteral("Other")};
    const QStringList otherFirst{QStringLiteral("Other"), QStringLiteral("Journey"),
                                 QStringLiteral("Journey"), QStringLiteral("Journey"),
                                 QStringLiteral("Journey")};
    QVERIFY2(titles == grouped || titles == otherFirst,
             qPrintable(titles.join(QStringLiteral(", "))));
    const int more = titles == grouped ? 3 : 4;
    QVERIFY(model->index(more, 0).data(SearchResultsModel::IsMoreRole).toBool());
    QVERIFY(model->index(more, 0)
                .data(SearchResultsModel::HtmlRole)
                .toString()
                .contains(QLatin1String("3 more passage")));
    auto* status = child<QLabel>(m_page.get(), "searchStatusLabel");
    QVERIFY2(status->text().startsWith(QLatin1String("7 passage(s) in 2 document(s)")),
             qPrintable(status->text()));

    // Enter on "more" shows the rest of that document where it was, and opens nothing.
    view->setFocus();
    view->setCurrentIndex(model->index(more, 0));
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(model->rowCount(), 7);
    QVERIFY(m_opened.isEmpty());
    QCOMPARE(view->currentIndex().row(), more);
    QVERIFY(model->index(more, 0).data(SearchResultsModel::ChunkIdRole).toLongLong() > 0);
    for (qint64 chunk : std::as_const(m_journey))
        QVERIFY(rowOfChunk(chunk) >= 0);
}

void TestSearchPreview::previewShowsThePassageInContext() {
    auto* view = child<QListView>(m_page.get(), "searchResultsView");
    auto* preview = child<SearchPreview>(m_page.get(), "searchPreview");
    QTest::keyClicks(child<QLineEdit>(m_page.get(), "searchQueryEdit"), QStringLiteral("gamma"));
    QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, kTimeoutMs);
    QCOMPARE(view->model()->index(0, 0).data(SearchResultsModel::ChunkIdRole).toLongLong(),
             m_journey[2]);
    // The first result is previewed; its neighbours come from the database off the GUI thread.
    QTRY_COMPARE_WITH_TIMEOUT(preview->hit().chunkId, m_journey[2], kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(preview->text().contains(kSentences[0]), kTimeoutMs);
    const QString text = preview->text();
    for (int i = 0; i <= 2 + SearchPreview::kAround; ++i)
        QVERIFY2(text.contains(kSentences[i]), qPrintable(text));
    QVERIFY2(!text.contains(kSentences[5]), qPrintable(text));
    // Overlapping chunks read on: what a chunk repeats of the one before is shown once.
    QCOMPARE(text.count(QLatin1String("one.")), 1);
    QCOMPARE(text.count(QLatin1String("two.")), 1);
    QCOMPARE(child<QLabel>(preview, "searchPreviewTitle")->text(), QStringLiteral("Journey"));
    const QString html = child<QTextBrowser>(preview, "searchPreviewText")->toHtml();
    QVERIFY2(html.contains(QLatin1String(">Gamma</span>")), qPrintable(html));
    // For people to look at, in the build tree.
    const QString shots = qEnvironmentVariable("QUIVER_BINARY_DIR", QDir::currentPath()) +
                          QStringLiteral("/screenshots");
    QDir().mkpath(shots);
    QVERIFY(m_page->grab().save(shots + QStringLiteral("/search_preview.png")));

    // Another selection replaces it; an empty query clears it.
    auto* query = child<QLineEdit>(m_page.get(), "searchQueryEdit");
    query->clear();
    QTRY_COMPARE_WITH_TIMEOUT(preview->hit().chunkId, qint64{0}, kTimeoutMs);
    QTest::keyClicks(query, QStringLiteral("zeta"));
    QTRY_COMPARE_WITH_TIMEOUT(preview->hit().chunkId, m_journey[5], kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(preview->text().contains(kSentences[3]), kTimeoutMs);
    QVERIFY(!preview->text().contains(kSentences[2]));
}

void TestSearchPreview::previewButtonsOpenCopyAndShowTheFolder() {
    auto* preview = child<SearchPreview>(m_page.get(), "searchPreview");
    QTest::keyClicks(child<QLineEdit>(m_page.get(), "searchQueryEdit"), QStringLiteral("delta"));
    QTRY_COMPARE_WITH_TIMEOUT(preview->hit().chunkId, m_journey[3], kTimeoutMs);
    QTest::mouseClick(child<QPushButton>(preview, "searchPreviewOpen"), Qt::LeftButton);
    QCOMPARE(m_opened,
             QList<QUrl>{QUrl::fromLocalFile(QStringLiteral("/corpus/trips/journey.txt"))});
    QTest::mouseClick(child<QPushButton>(preview, "searchPreviewShowInFolder"), Qt::LeftButton);
    QCOMPARE(m_opened.size(), 2);
    QCOMPARE(m_opened.last(), QUrl::fromLocalFile(QStringLiteral("/corpus/trips")));
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(child<QPushButton>(preview, "searchPreviewCopy"), Qt::LeftButton);
    QVERIFY2(QGuiApplication::clipboard()->text().endsWith(kSentences[3]),
             qPrintable(QGuiApplication::clipboard()->text()));
}

void TestSearchPreview::escapeClearsAndFocusQuerySelects() {
    auto* query = child<QLineEdit>(m_page.get(), "searchQueryEdit");
    auto* view = child<QListView>(m_page.get(), "searchResultsView");
    QTest::keyClicks(query, QStringLiteral("river"));
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 0, kTimeoutMs);
    view->setFocus();
    m_page->focusQuery();
    QVERIFY(query->hasFocus());
    QCOMPARE(query->selectedText(), QStringLiteral("river"));
    QTest::keyClick(query, Qt::Key_Escape);
    QCOMPARE(query->text(), QString());
    QCOMPARE(view->model()->rowCount(), 0);
    QCOMPARE(child<QStackedWidget>(m_page.get(), "searchStack")->currentWidget()->objectName(),
             QStringLiteral("searchEmptyState"));
}

void TestSearchPreview::splitterIsRemembered() {
    QList<int> sizes;
    {
        SearchPage page;
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* splitter = child<QSplitter>(&page, "searchSplitter");
        splitter->setSizes({700, 252});
        sizes = splitter->sizes();
    }
    SearchPage again;
    again.resize(1000, 700);
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(child<QSplitter>(&again, "searchSplitter")->sizes(), sizes);
}

QTEST_MAIN(TestSearchPreview)
#include "tst_search_preview.moc"
