// Renders the main pages as a user sees them into PNG files, for README and docs/: imports a
// folder, lets the local model embed it, searches, and grabs Library, Search (with the preview)
// and Jobs. Run by scripts/screenshots.sh, by hand; not a test.
//
//   screenshot_tour --db CONNINFO --docs FOLDER --out DIR [--query TEXT]
#include "core/ingest/background_import.h"
#include "core/jobs/background_worker.h"
#include "core/session/database_session.h"
#include "ui/mainwindow/main_window.h"
#include "ui/map/map_page.h"
#include "ui/map/map_view.h"
#include "ui/search/search_page.h"
#include "ui/search/search_results_model.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QTimer>

#include <cstdio>
#include <functional>

using namespace quiver;

namespace {

constexpr int kStepTimeoutMs = 5 * 60 * 1000;

// Runs the event loop until `done` holds (checked every 100 ms) or the step's time is up.
bool waitFor(const std::function<bool()>& done) {
    QDeadlineTimer deadline(kStepTimeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        QTimer::singleShot(100, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

bool save(QWidget& window, const QString& dir, const QString& name) {
    QCoreApplication::processEvents();
    const QString path = QDir(dir).filePath(name);
    const bool ok = window.grab().save(path);
    std::fprintf(stderr, "screenshot_tour: %s %s\n", ok ? "wrote" : "could not write",
                 qPrintable(path));
    return ok;
}

int fail(const char* step) {
    std::fprintf(stderr, "screenshot_tour: %s\n", step);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QuiverScreenshots"));
    QApplication::setApplicationName(QStringLiteral("QuiverScreenshots"));
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("db"), QStringLiteral("conninfo of an empty database"),
                      QStringLiteral("conninfo")});
    parser.addOption(
        {QStringLiteral("docs"), QStringLiteral("folder to import"), QStringLiteral("folder")});
    parser.addOption(
        {QStringLiteral("out"), QStringLiteral("where the PNGs go"), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("query"), QStringLiteral("what the Search page asks"),
                      QStringLiteral("text"), QStringLiteral("where does the API key live")});
    parser.process(app);
    if (!parser.isSet(QStringLiteral("db")) || !parser.isSet(QStringLiteral("docs")) ||
        !parser.isSet(QStringLiteral("out")))
        return fail("give --db, --docs and --out");
    const QString conninfo = parser.value(QStringLiteral("db"));
    const QString out = parser.value(QStringLiteral("out"));
    QDir().mkpath(out);

    BackgroundWorker worker; // outlives the window, as in the application
    DatabaseSession session;
    MainWindow window(&session);
    window.resize(1280, 800);
    window.show();
    window.setBackgroundWorker(&worker);
    bool opened = false;
    QObject::connect(&session, &DatabaseSession::opened, [&] { opened = true; });
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = conninfo;
    session.open(target);
    if (!waitFor([&] { return opened; }))
        return fail("the database did not open");

    bool imported = false;
    QObject::connect(window.backgroundImport(), &BackgroundImport::finished,
                     [&] { imported = true; });
    window.importPaths({parser.value(QStringLiteral("docs"))});
    if (!waitFor([&] { return imported; }))
        return fail("the import did not finish");
    // Every passage embedded by the local model, as the Library's cards count them.
    auto* chunks = window.findChild<QLabel*>(QStringLiteral("chunksCount"));
    auto* embedded = window.findChild<QLabel*>(QStringLiteral("embeddingsCount"));
    auto* pending = window.findChild<QLabel*>(QStringLiteral("pendingCount"));
    if (!chunks || !embedded || !pending || !waitFor([&] {
            return chunks->text() != QStringLiteral("0") && embedded->text() == chunks->text() &&
                   pending->text() == QStringLiteral("0");
        }))
        return fail("the passages were not all embedded");
    window.showPage(MainWindow::Page::Library);
    if (!save(window, out, QStringLiteral("library.png")))
        return 1;

    window.showPage(MainWindow::Page::Search);
    auto* search = window.findChild<SearchPage*>();
    if (!search ||
        !waitFor([&] { return search->service()->state() == SearchService::State::Ready; }))
        return fail("the search indexes did not open");
    auto* query = window.findChild<QLineEdit*>(QStringLiteral("searchQueryEdit"));
    auto* results = window.findChild<QListView*>(QStringLiteral("searchResultsView"));
    if (!query || !results)
        return fail("no search box");
    query->setText(parser.value(QStringLiteral("query")));
    if (!waitFor([&] { return results->model() && results->model()->rowCount() > 0; }))
        return fail("the search found nothing");
    results->setCurrentIndex(results->model()->index(0, 0));
    if (!save(window, out, QStringLiteral("search.png")))
        return 1;

    // The map, with the search's results lit and one passage shown beside it.
    auto* map = window.findChild<MapPage*>();
    if (!map)
        return fail("no map page");
    bool mapShown = false;
    QObject::connect(map, &MapPage::mapShown, [&] { mapShown = true; });
    window.showPage(MainWindow::Page::Map);
    if (!waitFor([&] { return mapShown; }) || !map->view()->map() ||
        map->view()->map()->passages.empty())
        return fail("the map was not drawn");
    const QList<int> lit = [&] {
        QList<int> indexes;
        const CollectionMap& m = *map->view()->map();
        for (int r = 0; r < results->model()->rowCount(); ++r) {
            const qint64 chunk =
                results->model()->index(r, 0).data(SearchResultsModel::ChunkIdRole).toLongLong();
            for (std::size_t i = 0; i < m.passages.size(); ++i)
                if (m.passages[i].chunkId == chunk)
                    indexes.append(static_cast<int>(i));
        }
        return indexes;
    }();
    if (!lit.isEmpty()) {
        map->view()->setSelected(lit.first());
        emit map->view()->passageActivated(lit.first());
    }
    if (!save(window, out, QStringLiteral("map.png")))
        return 1;

    window.showPage(MainWindow::Page::Jobs);
    // The page reads its figures when shown: wait for them.
    auto* summary = window.findChild<QLabel*>(QStringLiteral("backlogSummary"));
    if (!summary ||
        !waitFor([&] { return summary->text().contains(QStringLiteral(", 0 waiting")); }))
        return fail("the Jobs page did not show the backlog");
    if (!save(window, out, QStringLiteral("jobs.png")))
        return 1;
    worker.stop();
    return 0;
}
