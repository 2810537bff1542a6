#include "ui/mainwindow/main_window.h"

#include "core/db/database_status.h"
#include "core/ingest/background_import.h"
#include "core/ingest/document_trash.h"
#include "core/ingest/folder_watcher.h"
#include "core/ingest/import_settings.h"
#include "core/jobs/background_worker.h"
#include "core/session/database_session.h"
#include "ui/about/about_dialog.h"
#include "ui/jobs/jobs_page.h"
#include "ui/library/library_page.h"
#include "ui/mainwindow/database_status_widget.h"
#include "ui/mainwindow/drop_overlay.h"
#include "ui/mainwindow/import_status_widget.h"
#include "ui/mainwindow/index_status_widget.h"
#include "ui/mainwindow/worker_status_widget.h"
#include "ui/map/map_page.h"
#include "ui/search/search_page.h"
#include "ui/settings/connection_dialog.h"
#include "ui/settings/settings_dialog.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QJsonArray>
#include <QJsonObject>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QUrl>

namespace quiver {

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kPageKey = QStringLiteral("mainWindow/page");
const QString kImportDirKey = QStringLiteral("mainWindow/lastImportDir");
const QString kWatchFoldersKey = QStringLiteral("import/watchFolders");

// The local paths of a drag, or nothing if any of its URLs is not a local file: a drop is
// all or nothing, so a mixed drag is refused rather than half imported.
QStringList localPaths(const QMimeData* mime) {
    if (!mime || !mime->hasUrls())
        return {};
    QStringList paths;
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile())
            return {};
        paths.append(url.toLocalFile());
    }
    return paths;
}

struct PageInfo {
    const char* objectName;
    const char* icon;
};
} // namespace

MainWindow::MainWindow(DatabaseSession* session, QWidget* parent)
    : QMainWindow(parent)
    , m_session(session) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Quiver"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/quiver.svg")));

    m_import = new BackgroundImport(this);
    m_watcher = new FolderWatcher(this);
    connect(m_watcher, &FolderWatcher::folderChanged, this,
            [this](const QString& collection, const QString& root) {
                if (m_session->state() != DatabaseSession::State::Open)
                    return;
                m_import->setSettings(ImportSettings::load(QSettings()));
                m_import->start({root}, collection, true);
            });
    connect(m_import, &BackgroundImport::finished, this,
            [this](const ImportSummary& s) { onRescanReport(s.removalRefusals, s.heldRemovals); });
    buildPages();
    buildActions();
    buildMenus();
    m_library->setImport(m_import);
    setAcceptDrops(true);
    m_dropOverlay = new DropOverlay(this);

    m_status = new DatabaseStatusWidget(session, this);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(new ImportStatusWidget(m_import, this));
    statusBar()->addPermanentWidget(new IndexStatusWidget(m_search->service(), this));
    statusBar()->setSizeGripEnabled(true);
    connect(m_status, &DatabaseStatusWidget::connectionSettingsRequested, this,
            &MainWindow::showConnectionDialog);

    connect(session, &DatabaseSession::opened, this, &MainWindow::onStatus);
    connect(session, &DatabaseSession::opened, m_search,
            [this]() { m_search->setDatabase(m_session->target()); });
    connect(session, &DatabaseSession::statusRefreshed, this, &MainWindow::onStatus);
    connect(session, &DatabaseSession::opened, this, [this]() {
        m_import->setTarget(m_session->target());
        m_library->setDatabase(m_session->target());
        m_map->setDatabase(m_session->target());
        for (const QString& dir : QSettings().value(kWatchFoldersKey).toStringList())
            m_watcher->watch(QFileInfo(dir).fileName(), dir);
    });
    connect(m_library, &LibraryPage::libraryChanged, this, [this]() {
        if (m_session->state() == DatabaseSession::State::Open)
            m_session->refreshStatus();
        m_map->noteLibraryChanged();
    });
    connect(session, &DatabaseSession::connected, m_library, &LibraryPage::listenForChanges);
    connect(session, &DatabaseSession::failed, m_library, &LibraryPage::clearStatus);
    connect(session, &DatabaseSession::closed, m_library, &LibraryPage::clearStatus);
    connect(session, &DatabaseSession::closed, m_library,
            [this] { m_library->listenForChanges({}); });

    resize(980, 640);
    restoreWindowState();
}

MainWindow::~MainWindow() = default;

void MainWindow::setBackgroundWorker(BackgroundWorker* worker) {
    connect(m_session, &DatabaseSession::connected, this, [this, worker](const QString& conninfo) {
        m_workerConninfo = conninfo;
        worker->start(conninfo);
    });
    // A rescan run by the worker's job runner (on this machine: it runs only this machine's
    // rescans) reports what it refused or held back like the watcher's own rescans.
    connect(worker, &BackgroundWorker::jobNeedsAttention, this,
            [this](const QString& job, const QString& status, const QString& error,
                   const QJsonObject& details) {
                QList<HeldRemoval> held;
                for (const QJsonValue& v : details.value(QStringLiteral("held")).toArray()) {
                    const QJsonObject o = v.toObject();
                    HeldRemoval h;
                    h.collection = o.value(QStringLiteral("collection")).toString();
                    for (const QJsonValue& root : o.value(QStringLiteral("roots")).toArray())
                        h.roots.append(root.toString());
                    h.documents = o.value(QStringLiteral("documents")).toInt();
                    h.inCollection = o.value(QStringLiteral("in_collection")).toInteger();
                    h.reason = o.value(QStringLiteral("reason")).toString();
                    held.append(h);
                }
                if (!error.isEmpty() && status != QLatin1String("needs_confirmation"))
                    statusBar()->showMessage(tr("Job \"%1\" %2: %3").arg(job, status, error),
                                             30000);
                askAboutHeldRemovals(held);
            });
    // Embedded passages change the library's counts and each document's share embedded.
    connect(worker, &BackgroundWorker::progress, m_library, &LibraryPage::refreshSoon);
    connect(worker, &BackgroundWorker::progress, m_map, &MapPage::noteLibraryChanged);
    auto* status = new WorkerStatusWidget(worker, this);
    connect(status, &WorkerStatusWidget::retryRequested, this, [this, worker]() {
        if (!m_workerConninfo.isEmpty())
            worker->start(m_workerConninfo);
    });
    statusBar()->addPermanentWidget(status);
}

void MainWindow::buildPages() {
    m_sidebar = new QListWidget(this);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setFixedWidth(190);
    m_sidebar->setSpacing(2);
    m_sidebar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_sidebar->setAccessibleName(tr("Pages"));
    m_sidebar->setAccessibleDescription(
        tr("Choose the page to show: Library, Search, Map or Jobs"));
    m_sidebar->setStyleSheet(QStringLiteral(
        "QListWidget#sidebar { background: palette(window); padding: 10px 8px; outline: 0; }"
        "QListWidget#sidebar::item { padding: 7px 8px; border-radius: 6px; color: palette(text); }"
        "QListWidget#sidebar::item:hover { background: rgba(58, 110, 165, 22); }"
        "QListWidget#sidebar::item:selected { background: rgba(58, 110, 165, 50);"
        " color: palette(text); }"));

    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_library = new LibraryPage(m_pages);
    m_pages->addWidget(m_library);
    m_search = new SearchPage(m_pages);
    m_pages->addWidget(m_search);
    m_map = new MapPage(m_pages);
    m_pages->addWidget(m_map);
    connect(m_search, &SearchPage::resultsShown, m_map, &MapPage::setResults);
    auto* jobs = new JobsPage(m_pages);
    connect(m_session, &DatabaseSession::connected, jobs, &JobsPage::setConninfo);
    m_pages->addWidget(jobs);

    const QStringList names{tr("Library"), tr("Search"), tr("Map"), tr("Jobs")};
    const PageInfo info[] = {{"sidebarLibrary", ":/icons/library.svg"},
                             {"sidebarSearch", ":/icons/search.svg"},
                             {"sidebarMap", ":/icons/map.svg"},
                             {"sidebarJobs", ":/icons/jobs.svg"}};
    for (int i = 0; i < names.size(); ++i) {
        auto* item = new QListWidgetItem(QIcon(QString::fromLatin1(info[i].icon)), names[i]);
        item->setData(Qt::UserRole, QString::fromLatin1(info[i].objectName));
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(names[i]).arg(i + 1));
        m_sidebar->addItem(item);
    }
    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, [this](int row) {
        if (row >= 0)
            m_pages->setCurrentIndex(row);
        // Counts shown on the library page age while other pages are used.
        if (row == static_cast<int>(Page::Library) &&
            m_session->state() == DatabaseSession::State::Open) {
            m_session->refreshStatus();
            m_library->reload();
        }
    });
    // A click (or Enter) on Search puts the keyboard in its box; arrowing through the sidebar
    // leaves it in the sidebar.
    connect(m_sidebar, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        if (m_sidebar->row(item) == static_cast<int>(Page::Search))
            m_search->focusQuery();
    });
    connect(m_sidebar, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (m_sidebar->row(item) == static_cast<int>(Page::Search))
            m_search->focusQuery();
    });
    m_sidebar->setCurrentRow(0);

    auto* separator = new QFrame(this);
    separator->setFrameShape(QFrame::VLine);
    separator->setFrameShadow(QFrame::Plain);
    separator->setForegroundRole(QPalette::Mid);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sidebar);
    layout->addWidget(separator);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
}

void MainWindow::buildActions() {
    m_connectionAction =
        new QAction(QIcon(QStringLiteral(":/icons/database.svg")), tr("&Connection…"), this);
    m_connectionAction->setObjectName(QStringLiteral("connectionAction"));
    m_connectionAction->setStatusTip(tr("Choose the database Quiver uses"));
    connect(m_connectionAction, &QAction::triggered, this, &MainWindow::showConnectionDialog);

    m_importFilesAction = new QAction(tr("&Import Files…"), this);
    m_importFilesAction->setObjectName(QStringLiteral("importFilesAction"));
    m_importFilesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    m_importFilesAction->setStatusTip(tr("Add files to the library"));
    connect(m_importFilesAction, &QAction::triggered, this, &MainWindow::showImportFilesDialog);
    m_importFolderAction = new QAction(tr("Import &Folder…"), this);
    m_importFolderAction->setObjectName(QStringLiteral("importFolderAction"));
    m_importFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_importFolderAction->setStatusTip(tr("Add a folder and everything in it to the library"));
    connect(m_importFolderAction, &QAction::triggered, this, &MainWindow::showImportFolderDialog);

    m_watchFolderAction = new QAction(tr("&Watch Folder…"), this);
    m_watchFolderAction->setObjectName(QStringLiteral("watchFolderAction"));
    m_watchFolderAction->setStatusTip(
        tr("Import a folder and keep its collection in step with it while Quiver runs"));
    connect(m_watchFolderAction, &QAction::triggered, this, &MainWindow::showWatchFolderDialog);

    m_settingsAction =
        new QAction(QIcon(QStringLiteral(":/icons/settings.svg")), tr("&Settings…"), this);
    m_settingsAction->setObjectName(QStringLiteral("settingsAction"));
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::showSettingsDialog);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setObjectName(QStringLiteral("quitAction"));
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_aboutAction = new QAction(tr("&About Quiver"), this);
    m_aboutAction->setObjectName(QStringLiteral("aboutAction"));
    m_aboutAction->setShortcut(QKeySequence(Qt::Key_F1));
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAboutDialog);

    const Qt::Key keys[] = {Qt::Key_1, Qt::Key_2, Qt::Key_3, Qt::Key_4};
    for (int i = 0; i < m_sidebar->count(); ++i) {
        QListWidgetItem* item = m_sidebar->item(i);
        auto* action = new QAction(item->icon(), item->text(), this);
        action->setObjectName(item->data(Qt::UserRole).toString() + QStringLiteral("Action"));
        action->setShortcut(QKeySequence(Qt::CTRL | keys[i]));
        connect(action, &QAction::triggered, this, [this, i] { showPage(static_cast<Page>(i)); });
        m_pageActions << action;
    }
    // Ctrl+K as in most launchers, Ctrl+F as in most applications: both go to the search box.
    m_findAction = new QAction(QIcon(QStringLiteral(":/icons/search.svg")), tr("&Find…"), this);
    m_findAction->setObjectName(QStringLiteral("findAction"));
    m_findAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_K), QKeySequence(Qt::CTRL | Qt::Key_F)});
    m_findAction->setStatusTip(tr("Search your documents"));
    connect(m_findAction, &QAction::triggered, this, [this]() { showPage(Page::Search); });
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    file->addAction(m_importFilesAction);
    file->addAction(m_importFolderAction);
    file->addAction(m_watchFolderAction);
    file->addSeparator();
    file->addAction(m_connectionAction);
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* go = menuBar()->addMenu(tr("&Go"));
    go->setObjectName(QStringLiteral("goMenu"));
    go->addActions(m_pageActions);
    go->addSeparator();
    go->addAction(m_findAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    help->addAction(m_aboutAction);
}

MainWindow::Page MainWindow::currentPage() const {
    return static_cast<Page>(m_pages->currentIndex());
}

void MainWindow::showPage(Page page) {
    m_sidebar->setCurrentRow(static_cast<int>(page));
    if (page == Page::Search)
        m_search->focusQuery();
}

void MainWindow::showConnectionDialog() {
    auto* dialog = new ConnectionDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { reopen(dialog->target()); });
    dialog->open();
}

void MainWindow::showSettingsDialog() {
    auto* dialog = m_session->state() == DatabaseSession::State::Open
                       ? new SettingsDialog(m_session->target(), this)
                       : new SettingsDialog(m_session->target().describe(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::connectionChanged, this, &MainWindow::reopen);
    dialog->open();
}

void MainWindow::showAboutDialog() {
    auto* dialog = new AboutDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::importPaths(const QStringList& paths) {
    if (paths.isEmpty())
        return;
    if (m_session->state() != DatabaseSession::State::Open) {
        statusBar()->showMessage(tr("Connect to a database before importing (File › Connection…)"),
                                 8000);
        return;
    }
    m_import->setSettings(ImportSettings::load(QSettings()));
    m_import->start(paths);
    showPage(Page::Library);
}

// Where an import dialog opens: the last folder imported from while it exists, else home (not
// the directory the app happened to start in).
QString MainWindow::importStartDir() {
    const QString last = QSettings().value(kImportDirKey).toString();
    return !last.isEmpty() && QFileInfo(last).isDir() ? last : QDir::homePath();
}

void MainWindow::showImportFilesDialog() {
    QSettings settings;
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Import Files"), importStartDir());
    if (files.isEmpty())
        return;
    settings.setValue(kImportDirKey, QFileInfo(files.first()).absolutePath());
    importPaths(files);
}

void MainWindow::showImportFolderDialog() {
    QSettings settings;
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Import Folder"), importStartDir());
    if (dir.isEmpty())
        return;
    settings.setValue(kImportDirKey, dir);
    importPaths({dir});
}

void MainWindow::showWatchFolderDialog() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Watch Folder"), importStartDir());
    if (!dir.isEmpty())
        watchFolder(dir);
}

void MainWindow::watchFolder(const QString& path) {
    const QString dir = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    QSettings settings;
    QStringList watched = settings.value(kWatchFoldersKey).toStringList();
    if (!watched.contains(dir)) {
        watched.append(dir);
        settings.setValue(kWatchFoldersKey, watched);
    }
    m_watcher->watch(QFileInfo(dir).fileName(), dir);
    if (m_session->state() != DatabaseSession::State::Open) {
        importPaths({dir}); // says why it cannot
        return;
    }
    // As every rescan of it will: the folder's identity is recorded from this first look.
    m_import->setSettings(ImportSettings::load(QSettings()));
    m_import->start({dir}, {}, true);
    showPage(Page::Library);
}

void MainWindow::onRescanReport(const QList<RemovalRefusal>& refused,
                                const QList<HeldRemoval>& held) {
    if (!refused.isEmpty()) {
        QStringList lines;
        for (const RemovalRefusal& r : refused)
            lines.append(tr("%1: %2").arg(r.root, r.reason));
        statusBar()->showMessage(tr("Nothing was removed under %1").arg(lines.join(tr("; "))),
                                 30000);
    }
    askAboutHeldRemovals(held);
}

void MainWindow::askAboutHeldRemovals(const QList<HeldRemoval>& held) {
    if (held.isEmpty() || m_removalQuestion)
        return; // the next rescan asks again
    const HeldRemoval h = held.first();
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Move documents to the trash?"),
        tr("%n document(s) of the collection \"%1\" have no file any more in %2.", nullptr,
           h.documents)
                .arg(h.collection, h.roots.join(tr(", "))) +
            QStringLiteral("\n\n") + h.reason + QStringLiteral("\n\n") +
            tr("Quiver removed nothing. Move them to the trash? They can be restored from the "
               "Library's Trash for %n day(s).",
               nullptr, DocumentTrash::keepDays(QSettings())),
        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("massRemovalConfirmation"));
    box->setTextFormat(Qt::PlainText); // collection names and paths
    QPushButton* yes = box->addButton(tr("Move to Trash"), QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmMassRemovalButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, h, yes](QAbstractButton* b) {
        if (b != yes || m_session->state() != DatabaseSession::State::Open)
            return;
        m_import->setSettings(ImportSettings::load(QSettings()));
        m_import->start(h.roots, h.collection, true, true);
    });
    m_removalQuestion = box;
    box->open();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (localPaths(event->mimeData()).isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    m_dropOverlay->showOver(centralWidget());
}

void MainWindow::dragMoveEvent(QDragMoveEvent* event) {
    if (localPaths(event->mimeData()).isEmpty())
        event->ignore();
    else
        event->acceptProposedAction();
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent* event) {
    m_dropOverlay->hide();
    QMainWindow::dragLeaveEvent(event);
}

void MainWindow::dropEvent(QDropEvent* event) {
    m_dropOverlay->hide();
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    importPaths(paths);
}

void MainWindow::reopen(const DatabaseTarget& target) {
    m_library->clearStatus();
    m_session->open(target);
}

void MainWindow::onStatus(const DatabaseStatus& status) {
    m_library->setStatus(status);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveWindowState();
    QMainWindow::closeEvent(event);
}

void MainWindow::restoreWindowState() {
    const QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    const int page = settings.value(kPageKey, 0).toInt();
    if (page >= 0 && page < m_pages->count())
        m_sidebar->setCurrentRow(page);
}

void MainWindow::saveWindowState() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kPageKey, m_pages->currentIndex());
}

} // namespace quiver
