#pragma once

#include "core/map/collection_map.h"

#include <QImage>
#include <QSet>
#include <QWidget>

#include <memory>
#include <vector>

namespace quiver {

// Draws the collection map: a dot per passage coloured by its group, collection or document, each
// group named at its centre, the current results lit. The wheel (or + and -) zooms around the
// pointer, dragging pans, 0 or a double click on empty space shows the whole map again.
// Hovering a dot shows its passage; clicking it (or Enter on the one under the keyboard focus
// ring) reports it.
class MapView : public QWidget {
    Q_OBJECT
public:
    enum class Colouring { Group, Collection, Document };

    explicit MapView(QWidget* parent = nullptr);

    void setMap(std::shared_ptr<const CollectionMap> map);
    const CollectionMap* map() const { return m_map.get(); }
    void setColouring(Colouring colouring);
    // Passages to light up (the results of a search); the rest fade.
    void setHighlighted(const QSet<qint64>& chunkIds);
    int highlightedCount() const { return static_cast<int>(m_lit.size()); }
    void resetView();
    // The passage shown beside the map, ringed; -1 for none.
    void setSelected(int index);
    int selected() const { return m_selected; }

    // The passage drawn at a point of the widget (the nearest within a few pixels), or -1.
    int passageAt(QPoint pos) const;
    // Where a passage is drawn, in widget coordinates.
    QPointF positionOf(int index) const;
    QColor colourOf(int index) const;
    QString toolTipFor(int index) const;

    QSize sizeHint() const override { return {640, 480}; }

signals:
    void passageActivated(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;

private:
    double scale() const; // widget pixels per map unit
    QPointF toWidget(float x, float y) const;
    QPointF toMap(QPointF widget) const;
    void zoomAround(QPointF widget, double factor);
    void invalidate();
    void renderDots();
    // Each group's name at its centre, moved up or down where it would cover a larger group's.
    void drawLabels(QPainter& painter) const;
    void drawLegend(QPainter& painter) const;
    void rebuildGrid();

    std::shared_ptr<const CollectionMap> m_map;
    Colouring m_colouring = Colouring::Group;
    QStringList m_collections; // sorted, for colours and the legend
    QSet<qint64> m_litIds;
    std::vector<int> m_lit; // indexes of the lit passages
    double m_zoom = 1.0;
    QPointF m_pan; // widget offset added after scaling
    QImage m_dots; // the dots as last drawn; null when stale
    int m_hover = -1;
    int m_focus = -1;    // the passage Enter opens (the last hovered or clicked)
    int m_selected = -1; // the passage shown beside the map
    QPoint m_pressAt;
    QPointF m_panAtPress;
    bool m_dragging = false;
    // Passages bucketed by map position, for hover and click lookups.
    static constexpr int kGrid = 64;
    std::vector<std::vector<int>> m_grid;
};

} // namespace quiver
