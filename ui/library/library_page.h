#pragma once

#include "core/session/database_target.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTimer;
class QTreeView;
class QListWidgetItem;

namespace quiver {

struct DatabaseStatus;
struct ImportFileResult;
struct ImportProgress;
struct ImportSummary;
class BackgroundImport;
class ChangeListener;
class EmptyState;
class LibraryModel;
class TrashModel;

// The library: counts, the collections and documents stored (sortable, filterable, with "Show
// in folder" and Delete, which moves documents to the trash), the Trash (Restore, Empty), and the
// progress and per-file results of the running import. All database work runs on worker
// threads; this page only renders, and shows every failure of that work.
class LibraryPage : public QWidget {
    Q_OBJECT
public:
    explicit LibraryPage(QWidget* parent = nullptr);
    ~LibraryPage() override;

    void setStatus(const DatabaseStatus& status);
    // Back to "unknown" while no database is open.
    void clearStatus();

    // Where to read the library from; reloads it.
    void setDatabase(const DatabaseTarget& target);
    void setImport(BackgroundImport* import);
    void reload();
    // Reads the library again soon: at most once per kRefreshMs however often it is asked (the
    // worker reports every batch), and only when the page is seen; a hidden page reads it when
    // shown.
    void refreshSoon();
    static constexpr int kRefreshMs = 1000;
    // Hears every change of the library in the database, whoever makes it (another window, the
    // command line, a worker on another machine), and reads it again soon after. An empty
    // conninfo stops listening.
    void listenForChanges(const QString& conninfo);

    LibraryModel* model() const { return m_model; }
    TrashModel* trashModel() const { return m_trashModel; }
    // Between the documents and the trash.
    void showTrash(bool show);

signals:
    void libraryChanged(); // after an import or a delete: counts elsewhere may be stale

protected:
    void showEvent(QShowEvent* event) override;

private:
    QLabel* addCount(const QString& objectName, const QString& caption, const QString& tip);
    void onImportStarted();
    void onImportProgress(const ImportProgress& p);
    void onImportFile(const ImportFileResult& r);
    void onImportFinished(const ImportSummary& s);
    void showSelectedInFolder();
    void deleteSelected();
    void restoreSelected();
    void emptyTrash();
    void updateButtons();
    void flushResults();
    QList<QModelIndex> selectedSourceRows() const;
    struct Change; // what a load does to the library first
    void load(const Change& change);
    void showBody();
    void showError(const QString& message);

    EmptyState* m_empty = nullptr;
    QWidget* m_summary = nullptr;
    QLabel* m_documents = nullptr;
    QLabel* m_chunks = nullptr;
    QLabel* m_embeddings = nullptr;
    QLabel* m_pending = nullptr;

    QStackedWidget* m_body = nullptr;
    QLineEdit* m_filter = nullptr;
    QTreeView* m_view = nullptr;
    LibraryModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QPushButton* m_showInFolder = nullptr;
    QPushButton* m_delete = nullptr;
    QLabel* m_error = nullptr;

    QPushButton* m_trashButton = nullptr;
    QTreeView* m_trashView = nullptr;
    TrashModel* m_trashModel = nullptr;
    QSortFilterProxyModel* m_trashProxy = nullptr;
    QPushButton* m_restore = nullptr;
    QPushButton* m_emptyTrash = nullptr;
    QLabel* m_trashNote = nullptr;
    bool m_showingTrash = false;

    QWidget* m_importPanel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_progressLabel = nullptr;
    QPushButton* m_cancel = nullptr;
    QListWidget* m_results = nullptr;
    QList<QListWidgetItem*> m_pendingResults; // added to the list a few times a second
    QTimer* m_resultsTimer = nullptr;

    DatabaseTarget m_target;
    bool m_haveTarget = false;
    BackgroundImport* m_import = nullptr;
    int m_loadGeneration = 0;
    QTimer* m_refreshTimer = nullptr;
    ChangeListener* m_listener = nullptr;
    bool m_stale = false; // asked to refresh while hidden
};

} // namespace quiver
