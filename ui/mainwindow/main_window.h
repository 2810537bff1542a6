#pragma once

#include <QMainWindow>

class QAction;
class QListWidget;
class QStackedWidget;

namespace quiver {

class DatabaseSession;
class DatabaseStatusWidget;
class LibraryPage;
class SearchPage;
struct DatabaseStatus;
struct DatabaseTarget;

// Quiver's frame: a sidebar of pages, the menus and the database status. It drives the
// database only through the session it is given, which it does not own.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Library = 0, Search = 1, Jobs = 2 };

    explicit MainWindow(DatabaseSession* session, QWidget* parent = nullptr);
    ~MainWindow() override;

    Page currentPage() const;
    void showPage(Page page);

    void showConnectionDialog();
    void showSettingsDialog();
    void showAboutDialog();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPages();
    void buildActions();
    void buildMenus();
    void reopen(const DatabaseTarget& target);
    void onStatus(const DatabaseStatus& status);
    void restoreWindowState();
    void saveWindowState() const;

    DatabaseSession* m_session = nullptr;
    QListWidget* m_sidebar = nullptr;
    QStackedWidget* m_pages = nullptr;
    LibraryPage* m_library = nullptr;
    SearchPage* m_search = nullptr;
    DatabaseStatusWidget* m_status = nullptr;

    QAction* m_connectionAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QList<QAction*> m_pageActions;
};

} // namespace quiver
