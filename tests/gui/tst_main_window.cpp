// The real MainWindow with a real DatabaseSession on the shared test server.
#include "core/db/database_status.h"
#include "core/jobs/background_worker.h"
#include "core/session/database_session.h"
#include "quiver_version.h"
#include "tests/harness/test_postgres.h"
#include "ui/about/about_dialog.h"
#include "ui/common/plain_tool_tip.h"
#include "ui/mainwindow/main_window.h"
#include "ui/mainwindow/worker_status_widget.h"
#include "ui/settings/connection_dialog.h"
#include "ui/settings/settings_dialog.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDir>
#include <QFile>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace quiver;

namespace {
constexpr int kOpenTimeoutMs = 30000;

template <typename T>
T* child(QObject* parent, const char* name) {
    T* w = parent->findChild<T*>(QString::fromLatin1(name));
    if (!w)
        qWarning("no child %s", name);
    return w;
}

DatabaseTarget commandLineTarget(const QString& conninfo) {
    DatabaseTarget t;
    t.source = DatabaseTarget::Source::CommandLine;
    t.conninfo = conninfo;
    return t;
}

// Screenshots land in the build tree for people to look at.
QString screenshotDir() {
    const QString dir = qEnvironmentVariable("QUIVER_BINARY_DIR", QDir::currentPath()) +
                        QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir;
}

// A TCP port on which nothing listens: bound once by us, then released.
int closedPort() {
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = server.serverPort();
    server.close();
    return port;
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void sidebarSwitchesPages();
    void shortcutsSwitchPages();
    void statusBarShowsConnectedServer();
    void geometryIsRestored();
    void failingTargetShowsError();
    void menuShortcutsOpenDialogs();
    void stoppedWorkerShowsWhyWithRetry();
    void searchTakesTheKeyboard();
    void importDialogsStartAtHomeOrTheLastFolder();

private:
    QString m_conninfo;
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuiverTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    // Never touch the user's own settings.
    QVERIFY2(QSettings().fileName().contains(QLatin1String(".qttest")),
             qPrintable(QSettings().fileName()));
    m_conninfo = test::TestPostgres::instance().createDatabase(QStringLiteral("gui"));
}

void TestMainWindow::init() {
    QSettings().clear();
}

void TestMainWindow::sidebarSwitchesPages() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), QStringLiteral("Quiver"));
    // The icons are compiled in and render (this needs Qt's SVG image plugin).
    for (const char* icon :
         {"quiver", "library", "search", "map", "jobs", "settings", "database", "drop"}) {
        const QString path = QStringLiteral(":/icons/%1.svg").arg(QLatin1String(icon));
        QVERIFY2(QFile::exists(path), qPrintable(path));
        QVERIFY2(!QIcon(path).pixmap(32, 32).isNull(), qPrintable(path));
    }
    QVERIFY(!window.windowIcon().pixmap(32, 32).isNull());

    auto* sidebar = child<QListWidget>(&window, "sidebar");
    auto* pages = child<QStackedWidget>(&window, "pages");
    QVERIFY(sidebar && pages);
    QCOMPARE(sidebar->count(), 4);
    QAbstractItemModelTester modelTester(sidebar->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("libraryPage"));

    const char* expected[] = {"libraryPage", "searchPage", "mapPage", "jobsPage"};
    for (int row : {1, 3, 2, 0}) {
        const QRect rect = sidebar->visualItemRect(sidebar->item(row));
        QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(pages->currentWidget()->objectName(), QString::fromLatin1(expected[row]));
        QCOMPARE(static_cast<int>(window.currentPage()), row);
    }

    // The library tells the user what to do with an empty library.
    auto* hint = child<QLabel>(pages->widget(0), "emptyStateHint");
    QVERIFY(hint);
    QVERIFY(hint->text().contains(QLatin1String("Drop files or folders")));
    // Search stays disabled until it is wired to the engine.
    auto* query = child<QWidget>(&window, "searchQueryEdit");
    QVERIFY(query);
    QVERIFY(!query->isEnabled());
}

void TestMainWindow::shortcutsSwitchPages() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    auto* pages = child<QStackedWidget>(&window, "pages");
    auto* sidebar = child<QListWidget>(&window, "sidebar");
    QVERIFY(pages && sidebar);

    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("searchPage"));
    QCOMPARE(sidebar->currentRow(), 1);
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("mapPage"));
    QCOMPARE(sidebar->currentRow(), 2);
    QTest::keyClick(&window, Qt::Key_4, Qt::ControlModifier);
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("jobsPage"));
    QCOMPARE(sidebar->currentRow(), 3);
    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("libraryPage"));
    QCOMPARE(sidebar->currentRow(), 0);
}

void TestMainWindow::statusBarShowsConnectedServer() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QSignalSpy opened(&session, &DatabaseSession::opened);
    QSignalSpy failed(&session, &DatabaseSession::failed);
    session.open(commandLineTarget(m_conninfo));
    QVERIFY2(opened.wait(kOpenTimeoutMs),
             failed.isEmpty() ? "timed out" : qPrintable(failed.first().first().toString()));
    const auto status = opened.first().first().value<DatabaseStatus>();
    QVERIFY(!status.serverVersion.isEmpty());

    auto* label = child<QLabel>(&window, "databaseStatusLabel");
    QVERIFY(label);
    QTRY_VERIFY2(label->text().contains(status.serverVersion), qPrintable(label->text()));
    QVERIFY2(label->text().contains(QLatin1String("PostgreSQL 15")), qPrintable(label->text()));
    QVERIFY(label->text().contains(QStringLiteral("schema %1").arg(status.schemaVersion)));
    QVERIFY2(label->text().contains(status.describe), qPrintable(label->text()));
    QVERIFY2(!label->text().contains(QLatin1String("dbname=")), qPrintable(label->text()));
    QVERIFY(!label->property("error").toBool());
    auto* fix = child<QPushButton>(&window, "connectionSettingsButton");
    QVERIFY(fix);
    QVERIFY(!fix->isVisibleTo(&window));

    // A fresh database: every count on the library page is a real zero, not a placeholder.
    for (const char* name : {"documentsCount", "chunksCount", "embeddingsCount", "pendingCount"}) {
        auto* count = child<QLabel>(&window, name);
        QVERIFY(count);
        QCOMPARE(count->text(), QStringLiteral("0"));
    }

    const QString dir = screenshotDir();
    // Let the layouts settle after the last status change before taking the picture.
    QCoreApplication::processEvents();
    QVERIFY(window.grab().save(dir + QStringLiteral("/main_window.png")));
}

void TestMainWindow::geometryIsRestored() {
    DatabaseSession session;
    const QSize size(812, 533);
    {
        MainWindow first(&session);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        first.resize(size);
        first.showPage(MainWindow::Page::Jobs);
        QTRY_COMPARE(first.size(), size);
        QVERIFY(first.close());
    }
    QVERIFY(QSettings().contains(QStringLiteral("mainWindow/geometry")));
    MainWindow second(&session);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    QCOMPARE(second.size(), size);
    QCOMPARE(second.currentPage(), MainWindow::Page::Jobs);
}

void TestMainWindow::failingTargetShowsError() {
    const int port = closedPort();
    QVERIFY(port > 0);
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QSignalSpy failed(&session, &DatabaseSession::failed);
    session.open(commandLineTarget(
        QStringLiteral("host=127.0.0.1 port=%1 dbname=quiver user=nobody connect_timeout=5")
            .arg(port)));
    QVERIFY(failed.wait(kOpenTimeoutMs));
    const QString message = failed.first().first().toString();
    QVERIFY(!message.isEmpty());

    auto* label = child<QLabel>(&window, "databaseStatusLabel");
    QVERIFY(label);
    QTRY_COMPARE(label->text(), message.simplified());
    QVERIFY(label->property("error").toBool());
    QCOMPARE(label->toolTip(), plainToolTip(message)); // the server's words, shown as they are
    auto* fix = child<QPushButton>(&window, "connectionSettingsButton");
    QVERIFY(fix);
    QVERIFY(fix->isVisibleTo(&window));
    QCoreApplication::processEvents();
    QVERIFY(window.grab().save(screenshotDir() + QStringLiteral("/main_window_error.png")));

    QTest::mouseClick(fix, Qt::LeftButton);
    ConnectionDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConnectionDialog*>()) != nullptr);
    QTRY_VERIFY(dialog->isVisible());
    dialog->reject();
}

void TestMainWindow::menuShortcutsOpenDialogs() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    QTest::keyClick(&window, Qt::Key_F1);
    AboutDialog* about = nullptr;
    QTRY_VERIFY((about = window.findChild<AboutDialog*>()) != nullptr);
    auto* version = child<QLabel>(about, "aboutVersion");
    QVERIFY(version);
    QVERIFY(version->text().contains(QLatin1String(QUIVER_VERSION_STRING)));
    auto* licence = child<QLabel>(about, "aboutLicence");
    QVERIFY(licence && licence->text().contains(QLatin1String("MIT")));
    QVERIFY(about->grab().save(screenshotDir() + QStringLiteral("/about_dialog.png")));
    about->close();
    QTRY_VERIFY(!window.findChild<AboutDialog*>());
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    QTest::keyClick(&window, Qt::Key_Comma, Qt::ControlModifier);
    SettingsDialog* settings = nullptr;
    QTRY_VERIFY((settings = window.findChild<SettingsDialog*>()) != nullptr);
    auto* providers = child<QWidget>(settings, "providersGroup");
    QVERIFY(providers && !providers->isEnabled());
    QVERIFY(settings->grab().save(screenshotDir() + QStringLiteral("/settings_dialog.png")));
    settings->close();
    QTRY_VERIFY(!window.findChild<SettingsDialog*>());
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    auto* quit = child<QAction>(&window, "quitAction");
    QVERIFY(quit);
    QCOMPARE(quit->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
    QTest::keyClick(&window, Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY(!window.isVisible());
}

void TestMainWindow::stoppedWorkerShowsWhyWithRetry() {
    BackgroundWorker worker; // outlives the window, as in the application
    DatabaseSession session;
    MainWindow window(&session);
    window.setBackgroundWorker(&worker);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* status = window.findChild<WorkerStatusWidget*>();
    QVERIFY(status);
    QVERIFY(!status->isVisible()); // nothing to say yet

    // The session's database starts the worker.
    QSignalSpy opened(&session, &DatabaseSession::opened);
    session.open(commandLineTarget(m_conninfo));
    QVERIFY(opened.wait(kOpenTimeoutMs));
    QTRY_VERIFY(worker.isRunning());

    // A worker that cannot work says why, in the status bar, with a way to try again.
    QSignalSpy stopped(&worker, &BackgroundWorker::stopped);
    worker.start(m_conninfo, QStringLiteral("no-such-profile"));
    // (The first to stop is the running worker, as asked: status 0.)
    QTRY_VERIFY_WITH_TIMEOUT(!stopped.isEmpty() && stopped.last().at(0).toInt() == 1,
                             kOpenTimeoutMs);
    QTRY_VERIFY(status->isVisible());
    QVERIFY(status->showsError());
    QVERIFY2(status->text().startsWith(QLatin1String("Background embedding stopped: ")) &&
                 status->text().contains(QLatin1String("no-such-profile")),
             qPrintable(status->text()));
    auto* retry = child<QPushButton>(&window, "workerRetryButton");
    QVERIFY(retry && retry->isVisible());

    // Retry starts it again on the session's database, with the default profile.
    QTest::mouseClick(retry, Qt::LeftButton);
    QVERIFY(!status->showsError());
    QVERIFY(worker.isRunning());
    QVERIFY2(!status->text().contains(QLatin1String("stopped")), qPrintable(status->text()));
}

// Going to Search puts the keyboard in its box; Ctrl+K and Ctrl+F go there from any page.
void TestMainWindow::searchTakesTheKeyboard() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QSignalSpy opened(&session, &DatabaseSession::opened);
    session.open(commandLineTarget(m_conninfo));
    QVERIFY(opened.wait(kOpenTimeoutMs));
    auto* query = child<QLineEdit>(&window, "searchQueryEdit");
    QVERIFY(query);
    QTRY_VERIFY_WITH_TIMEOUT(query->isEnabled(), kOpenTimeoutMs);

    window.showPage(MainWindow::Page::Search);
    QTRY_VERIFY(query->hasFocus());
    window.showPage(MainWindow::Page::Library);
    QVERIFY(!query->hasFocus());
    QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
    QCOMPARE(window.currentPage(), MainWindow::Page::Search);
    QTRY_VERIFY(query->hasFocus());
    window.showPage(MainWindow::Page::Jobs);
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(window.currentPage(), MainWindow::Page::Search);
    QTRY_VERIFY(query->hasFocus());
    QVERIFY(!query->accessibleName().isEmpty());

    // A click on Search in the sidebar too; arrowing through the sidebar stays in the sidebar.
    auto* sidebar = child<QListWidget>(&window, "sidebar");
    window.showPage(MainWindow::Page::Library);
    QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {},
                      sidebar->visualItemRect(sidebar->item(1)).center());
    QCOMPARE(window.currentPage(), MainWindow::Page::Search);
    QTRY_VERIFY(query->hasFocus());
    window.showPage(MainWindow::Page::Library);
    sidebar->setFocus();
    QTest::keyClick(sidebar, Qt::Key_Down);
    QCOMPARE(window.currentPage(), MainWindow::Page::Search);
    QVERIFY(sidebar->hasFocus());
    QTest::keyClick(sidebar, Qt::Key_Down);
    QCOMPARE(window.currentPage(), MainWindow::Page::Map);
    QVERIFY(sidebar->hasFocus());
}

// Not the directory the app was started in: the last folder imported from, or home.
void TestMainWindow::importDialogsStartAtHomeOrTheLastFolder() {
    QCOMPARE(MainWindow::importStartDir(), QDir::homePath());
    const QString last = QDir::tempPath();
    QSettings().setValue(QStringLiteral("mainWindow/lastImportDir"), last);
    QCOMPARE(MainWindow::importStartDir(), last);
    // A folder that is gone (an unplugged disk) is not offered.
    QSettings().setValue(QStringLiteral("mainWindow/lastImportDir"),
                         last + QStringLiteral("/quiver-no-such-folder"));
    QCOMPARE(MainWindow::importStartDir(), QDir::homePath());
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
