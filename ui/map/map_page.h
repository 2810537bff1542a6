#pragma once

#include "core/map/collection_map.h"
#include "core/session/database_target.h"

#include <QSet>
#include <QWidget>

#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace quiver {

class EmptyState;
class MapService;
class MapView;
class PassageActions;
class SearchPreview;
struct SearchHit;

// The map of the collection: every passage (a sample of 20,000 in a larger library) placed so
// that passages about the same things lie together, groups named by their distinctive words,
// the Search page's current results lit. Drawn on a pool thread the first time the page is
// shown for a database, and again on Redraw; a click shows the passage in the preview beside it.
class MapPage : public QWidget {
    Q_OBJECT
public:
    explicit MapPage(QWidget* parent = nullptr);
    ~MapPage() override;

    MapService* service() const { return m_service; }
    MapView* view() const { return m_view; }
    // Maps this database from now on; drawn when the page is next shown.
    void setDatabase(const DatabaseTarget& target);
    // The Search page's newest results, lit on the map.
    void setResults(const QString& query, const QList<qint64>& chunkIds);
    // Passages were added or removed since the map was drawn: offers a redraw.
    void noteLibraryChanged();
    void redraw();
    void setUrlOpener(std::function<bool(const QUrl&)> opener);

signals:
    void mapShown(); // a map (possibly empty) is on screen

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onReady(std::shared_ptr<const CollectionMap> map);
    void onFailed(const QString& message);
    void showPassage(int index);
    void updateSummary();
    void updateLit();
    SearchHit hitAt(int index) const;

    MapService* m_service = nullptr;
    PassageActions* m_actions = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_litLabel = nullptr;
    QComboBox* m_colouring = nullptr;
    QPushButton* m_redraw = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QStackedWidget* m_stack = nullptr;
    EmptyState* m_empty = nullptr;
    QSplitter* m_splitter = nullptr;
    MapView* m_view = nullptr;
    SearchPreview* m_preview = nullptr;
    DatabaseTarget m_target;
    bool m_haveTarget = false;
    bool m_stale = true;           // the map shown is not of the current database (or none is)
    bool m_libraryChanged = false; // since the map shown was drawn
    QString m_query;
    QSet<qint64> m_results;
    int m_resultCount = 0;
};

} // namespace quiver
