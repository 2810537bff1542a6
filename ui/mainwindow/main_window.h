#pragma once

#include "core/ingest/import_types.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QListWidget;
class QMessageBox;
class QStackedWidget;

namespace quiver {

class BackgroundImport;
class BackgroundWorker;
class DatabaseSession;
class DatabaseStatusWidget;
class DropOverlay;
class FolderWatcher;
class LibraryPage;
class MapPage;
class SearchPage;
struct DatabaseStatus;
struct DatabaseTarget;

// Quiver's frame: a sidebar of pages, the menus and the database status. It drives the
// database only through the session it is given, which it does not own.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Library = 0, Search = 1, Map = 2, Jobs = 3 };

    explicit MainWindow(DatabaseSession* session, QWidget* parent = nullptr);
    ~MainWindow() override;

    Page currentPage() const;
    // Shows a page; Search also takes the keyboard into its box.
    void showPage(Page page);

    void showConnectionDialog();
    void showSettingsDialog();
    void showAboutDialog();
    // Imports files and folders into the library (folders into a collection of their name).
    void importPaths(const QStringList& paths);
    void showImportFilesDialog();
    void showImportFolderDialog();
    void showWatchFolderDialog();
    // The folder the import dialogs open in.
    static QString importStartDir();
    // Keeps a folder's collection in step with the folder: changes are re-imported, files
    // deleted there move their documents to the trash (unless the folder looks unmounted,
    // unreadable or replaced, or too much would go at once: then it asks). Remembered in the
    // settings.
    void watchFolder(const QString& path);
    BackgroundImport* backgroundImport() const { return m_import; }
    // Starts the embedding worker on each database the session connects to, and shows its
    // progress, or why it stopped with a Retry button, in the status bar. Not owned.
    void setBackgroundWorker(BackgroundWorker* worker);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildPages();
    void buildActions();
    void buildMenus();
    void reopen(const DatabaseTarget& target);
    void onStatus(const DatabaseStatus& status);
    void restoreWindowState();
    void saveWindowState() const;
    // A rescan's outcome: refusals go to the status bar, held-back removals to a question.
    void onRescanReport(const QList<RemovalRefusal>& refused, const QList<HeldRemoval>& held);
    void askAboutHeldRemovals(const QList<HeldRemoval>& held);

    DatabaseSession* m_session = nullptr;
    QListWidget* m_sidebar = nullptr;
    QStackedWidget* m_pages = nullptr;
    LibraryPage* m_library = nullptr;
    SearchPage* m_search = nullptr;
    MapPage* m_map = nullptr;
    DatabaseStatusWidget* m_status = nullptr;

    BackgroundImport* m_import = nullptr;
    QString m_workerConninfo; // the connected database, for restarting the worker
    DropOverlay* m_dropOverlay = nullptr;
    FolderWatcher* m_watcher = nullptr;
    QPointer<QMessageBox> m_removalQuestion; // at most one asked at a time
    QAction* m_watchFolderAction = nullptr;
    QAction* m_importFilesAction = nullptr;
    QAction* m_importFolderAction = nullptr;
    QAction* m_connectionAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_findAction = nullptr;
    QList<QAction*> m_pageActions;
};

} // namespace quiver
