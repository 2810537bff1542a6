#pragma once

#include "core/search/search_service.h"

#include <QUrl>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QSplitter;
class QStackedWidget;
class QTimer;

namespace quiver {

class EmptyState;
class SearchFilterBar;
class SearchPreview;
class SearchResultsModel;
struct DatabaseTarget;

// Search as you type. The query is sent to the SearchService a moment after the last key
// (debounced); answers to anything but the newest query are dropped. Results are grouped by
// document and show title, collection, page, relevance and the passage with the query's words
// marked; beside them a preview shows the selected passage among its neighbours. Enter or a
// double click opens the file (or shows a document's further passages), Esc in the box clears
// it, Ctrl+C copies the passage, "More like this" searches around it. A filter row narrows the
// search to a collection, a document type or a time of import. Empty, no-results,
// index-building and error states each say what is happening and what to do.
class PassageActions;

class SearchPage : public QWidget {
    Q_OBJECT
public:
    explicit SearchPage(QWidget* parent = nullptr);
    ~SearchPage() override;

    SearchService* service() const { return m_service; }
    // Searches this database from now on (called when the session opens one).
    void setDatabase(const DatabaseTarget& target);
    // How files are opened; QDesktopServices::openUrl unless replaced (tests).
    // Tests see what would be opened or started instead.
    void setUrlOpener(std::function<bool(const QUrl&)> opener);
    void setLauncher(std::function<bool(const QString& program, const QStringList& arguments)> l);
    // Puts the keyboard in the search box, its text selected (switching to the page, Ctrl+K).
    void focusQuery();

    static constexpr int kDebounceMs = 250;

signals:
    // The passages of the newest answer (none after a failure or a cleared query).
    void resultsShown(const QString& query, const QList<qint64>& chunkIds);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void startSearch();
    void onResults(int id, const QList<SearchHit>& hits, const QString& notice);
    void onFailed(int id, const QString& message);
    void onServiceState(SearchService::State state, const QString& message, double progress);
    void showEmpty(const QString& title, const QString& hint);
    void openCurrent();
    void copyCurrent();
    void moreLikeCurrent();
    void showInFolderCurrent();
    void previewCurrent();
    const SearchHit* currentHit() const;

    SearchService* m_service = nullptr;
    SearchResultsModel* m_model = nullptr;
    QLineEdit* m_query = nullptr;
    QComboBox* m_mode = nullptr;
    SearchFilterBar* m_filters = nullptr;
    QLabel* m_status = nullptr;
    QStackedWidget* m_stack = nullptr;
    EmptyState* m_empty = nullptr;
    QListView* m_results = nullptr;
    QSplitter* m_splitter = nullptr;
    SearchPreview* m_preview = nullptr;
    QTimer* m_debounce = nullptr;
    int m_pending = 0; // id of the newest request; answers to others are stale
    QString m_pendingText;
    QString m_indexMessage;
    PassageActions* m_actions = nullptr;
};

} // namespace quiver
