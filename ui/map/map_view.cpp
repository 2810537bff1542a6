#include "ui/map/map_view.h"

#include "ui/common/plain_tool_tip.h"

#include <QFileInfo>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace quiver {

namespace {

constexpr double kMargin = 28;
constexpr double kDotRadius = 3.0;
constexpr double kLitRadius = 4.5;
constexpr double kHitPixels = 7.0;
constexpr int kToolTipChars = 400;
constexpr double kWheelStep = 1.25;
constexpr double kMaxZoom = 64.0;

// Distinct hues that stay apart on light and dark backgrounds.
const std::array<QColor, 12> kPalette = {
    QColor(0x3a, 0x6e, 0xa5), QColor(0xe0, 0x7b, 0x39), QColor(0x4c, 0xa2, 0x5a),
    QColor(0xc9, 0x44, 0x4d), QColor(0x8e, 0x6b, 0xbf), QColor(0x9c, 0x75, 0x5f),
    QColor(0xd8, 0x6f, 0xb5), QColor(0x7f, 0x7f, 0x7f), QColor(0xb5, 0xb8, 0x2e),
    QColor(0x2b, 0xb3, 0xc0), QColor(0xf2, 0xb8, 0x4b), QColor(0x5a, 0x5f, 0xc8)};

} // namespace

MapView::MapView(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("mapView"));
    setAccessibleName(tr("Collection map"));
    setAccessibleDescription(
        tr("Passages that talk about the same things lie together. Wheel or + and - zoom, drag "
           "pans, 0 shows the whole map, Enter opens the passage under the pointer"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(240, 180);
}

void MapView::setMap(std::shared_ptr<const CollectionMap> map) {
    m_map = std::move(map);
    m_hover = -1;
    m_focus = -1;
    m_selected = -1;
    m_collections.clear();
    if (m_map) {
        QSet<QString> names;
        for (const MapPassage& p : m_map->passages)
            names.insert(p.collection);
        m_collections = QStringList(names.begin(), names.end());
        m_collections.sort();
    }
    rebuildGrid();
    setHighlighted(m_litIds);
    resetView();
}

void MapView::setColouring(Colouring colouring) {
    m_colouring = colouring;
    invalidate();
}

void MapView::setHighlighted(const QSet<qint64>& chunkIds) {
    m_litIds = chunkIds;
    m_lit.clear();
    if (m_map)
        for (std::size_t i = 0; i < m_map->passages.size(); ++i)
            if (m_litIds.contains(m_map->passages[i].chunkId))
                m_lit.push_back(static_cast<int>(i));
    invalidate();
}

void MapView::resetView() {
    m_zoom = 1.0;
    m_pan = {};
    invalidate();
}

void MapView::setSelected(int index) {
    m_selected =
        m_map && index >= 0 && index < static_cast<int>(m_map->passages.size()) ? index : -1;
    update();
}

void MapView::invalidate() {
    m_dots = QImage();
    update();
}

double MapView::scale() const {
    return std::max(1.0, std::min(width(), height()) - 2 * kMargin) * m_zoom;
}

QPointF MapView::toWidget(float x, float y) const {
    const double side = scale();
    return {width() / 2.0 + (double(x) - 0.5) * side + m_pan.x(),
            height() / 2.0 + (double(y) - 0.5) * side + m_pan.y()};
}

QPointF MapView::toMap(QPointF w) const {
    const double side = scale();
    return {(w.x() - width() / 2.0 - m_pan.x()) / side + 0.5,
            (w.y() - height() / 2.0 - m_pan.y()) / side + 0.5};
}

QPointF MapView::positionOf(int index) const {
    if (!m_map || index < 0 || index >= static_cast<int>(m_map->passages.size()))
        return {};
    const MapPassage& p = m_map->passages[static_cast<std::size_t>(index)];
    return toWidget(p.x, p.y);
}

QColor MapView::colourOf(int index) const {
    if (!m_map || index < 0 || index >= static_cast<int>(m_map->passages.size()))
        return {};
    const MapPassage& p = m_map->passages[static_cast<std::size_t>(index)];
    std::size_t slot = 0;
    switch (m_colouring) {
    case Colouring::Group:
        slot = static_cast<std::size_t>(std::max(0, p.cluster));
        break;
    case Colouring::Collection:
        slot =
            static_cast<std::size_t>(std::max<qsizetype>(0, m_collections.indexOf(p.collection)));
        break;
    case Colouring::Document:
        // Neighbouring ids get far-apart colours: documents imported together often lie together.
        slot = static_cast<std::size_t>(
            static_cast<quint64>(p.documentId) * 0x9E3779B97F4A7C15ull >> 59);
        break;
    }
    return kPalette[slot % kPalette.size()];
}

void MapView::rebuildGrid() {
    m_grid.assign(std::size_t{kGrid} * kGrid, {});
    if (!m_map)
        return;
    for (std::size_t i = 0; i < m_map->passages.size(); ++i) {
        const MapPassage& p = m_map->passages[i];
        const int cx = std::clamp(static_cast<int>(p.x * kGrid), 0, kGrid - 1);
        const int cy = std::clamp(static_cast<int>(p.y * kGrid), 0, kGrid - 1);
        m_grid[static_cast<std::size_t>(cy * kGrid + cx)].push_back(static_cast<int>(i));
    }
}

int MapView::passageAt(QPoint pos) const {
    if (!m_map || m_map->passages.empty())
        return -1;
    const QPointF at = toMap(pos);
    const double radius = kHitPixels / scale();
    const int x0 =
        std::clamp(static_cast<int>(std::floor((at.x() - radius) * kGrid)), 0, kGrid - 1);
    const int x1 =
        std::clamp(static_cast<int>(std::floor((at.x() + radius) * kGrid)), 0, kGrid - 1);
    const int y0 =
        std::clamp(static_cast<int>(std::floor((at.y() - radius) * kGrid)), 0, kGrid - 1);
    const int y1 =
        std::clamp(static_cast<int>(std::floor((at.y() + radius) * kGrid)), 0, kGrid - 1);
    int best = -1;
    double bestDistance = kHitPixels * kHitPixels;
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x)
            for (const int i : m_grid[static_cast<std::size_t>(y * kGrid + x)]) {
                const QPointF d = positionOf(i) - QPointF(pos);
                double distance = d.x() * d.x() + d.y() * d.y();
                // A lit dot is drawn on top of the faded ones, so it wins when they overlap.
                if (m_litIds.contains(m_map->passages[static_cast<std::size_t>(i)].chunkId))
                    distance *= 0.5;
                if (distance < bestDistance || (distance == bestDistance && i < best)) {
                    best = i;
                    bestDistance = distance;
                }
            }
    return best;
}

QString MapView::toolTipFor(int index) const {
    if (!m_map || index < 0 || index >= static_cast<int>(m_map->passages.size()))
        return {};
    const MapPassage& p = m_map->passages[static_cast<std::size_t>(index)];
    QString title = p.title.isEmpty() ? QFileInfo(p.path).fileName() : p.title;
    QString where = p.collection;
    if (p.page)
        where = tr("%1, page %2").arg(where).arg(*p.page);
    QString text = p.text.simplified();
    if (text.size() > kToolTipChars)
        text = text.left(kToolTipChars) + QStringLiteral("…");
    return title + QLatin1Char('\n') + where + QStringLiteral("\n\n") + text;
}

void MapView::renderDots() {
    const qreal ratio = devicePixelRatioF();
    m_dots = QImage((QSizeF(size()) * ratio).toSize(), QImage::Format_ARGB32_Premultiplied);
    m_dots.setDevicePixelRatio(ratio);
    m_dots.fill(palette().color(QPalette::Base));
    if (!m_map)
        return;
    QPainter painter(&m_dots);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    const bool fade = !m_lit.empty();
    const QRectF visible =
        QRectF(rect()).adjusted(-kLitRadius, -kLitRadius, kLitRadius, kLitRadius);
    for (std::size_t i = 0; i < m_map->passages.size(); ++i) {
        const QPointF at = positionOf(static_cast<int>(i));
        if (!visible.contains(at))
            continue;
        QColor colour = colourOf(static_cast<int>(i));
        colour.setAlpha(fade ? 55 : 200);
        painter.setBrush(colour);
        painter.drawEllipse(at, kDotRadius, kDotRadius);
    }
    painter.setPen(QPen(palette().color(QPalette::Text), 1.2));
    for (const int i : m_lit) {
        painter.setBrush(colourOf(i));
        painter.drawEllipse(positionOf(i), kLitRadius, kLitRadius);
    }
}

void MapView::drawLabels(QPainter& painter) const {
    if (!m_map)
        return;
    QFont font = this->font();
    font.setBold(true);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    std::vector<const MapCluster*> order;
    for (const MapCluster& c : m_map->clusters)
        if (!c.words.isEmpty() && c.size > 0)
            order.push_back(&c);
    std::stable_sort(order.begin(), order.end(),
                     [](const MapCluster* a, const MapCluster* b) { return a->size > b->size; });
    std::vector<QRectF> placed;
    const auto overlaps = [&placed](const QRectF& box) {
        return std::any_of(placed.begin(), placed.end(),
                           [&box](const QRectF& other) { return other.intersects(box); });
    };
    for (const MapCluster* c : order) {
        const QString text = c->words.join(QStringLiteral(" · "));
        QRectF box = metrics.boundingRect(text).adjusted(-6, -3, 6, 3);
        box.moveCenter(toWidget(c->x, c->y));
        // Try the centre, then ever farther above and below it.
        const QPointF centre = box.center();
        for (int step = 1; step <= 6 && overlaps(box); ++step) {
            const double shift = ((step + 1) / 2) * (box.height() + 2) * (step % 2 ? -1 : 1);
            box.moveCenter(centre + QPointF(0, shift));
        }
        placed.push_back(box);
        QColor back = palette().color(QPalette::Base);
        back.setAlpha(215);
        painter.setPen(Qt::NoPen);
        painter.setBrush(back);
        painter.drawRoundedRect(box, 5, 5);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(box, Qt::AlignCenter, text);
    }
}

void MapView::drawLegend(QPainter& painter) const {
    if (m_colouring != Colouring::Collection || m_collections.isEmpty())
        return;
    const QFontMetrics metrics(font());
    const int line = metrics.height() + 4;
    const int shown = std::min<int>(static_cast<int>(m_collections.size()), 12);
    int wide = 0;
    for (int i = 0; i < shown; ++i)
        wide = std::max(wide, metrics.horizontalAdvance(m_collections[i]));
    QRectF box(10, 10, wide + 34, line * shown + 10);
    QColor back = palette().color(QPalette::Base);
    back.setAlpha(230);
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(back);
    painter.drawRoundedRect(box, 5, 5);
    for (int i = 0; i < shown; ++i) {
        const double y = box.top() + 5 + i * line + line / 2.0;
        painter.setPen(Qt::NoPen);
        painter.setBrush(kPalette[static_cast<std::size_t>(i) % kPalette.size()]);
        painter.drawEllipse(QPointF(box.left() + 12, y), 5, 5);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRectF(box.left() + 24, y - line / 2.0, wide + 6, line),
                         Qt::AlignVCenter | Qt::AlignLeft, m_collections[i]);
    }
}

void MapView::paintEvent(QPaintEvent*) {
    if (m_dots.isNull() || m_dots.deviceIndependentSize().toSize() != size())
        renderDots();
    QPainter painter(this);
    painter.drawImage(0, 0, m_dots);
    painter.setRenderHint(QPainter::Antialiasing);
    if (m_hover >= 0) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(positionOf(m_hover), kLitRadius + 3, kLitRadius + 3);
    }
    if (m_selected >= 0) {
        painter.setPen(QPen(palette().color(QPalette::Text), 2.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(positionOf(m_selected), kLitRadius + 5, kLitRadius + 5);
    }
    drawLabels(painter);
    drawLegend(painter);
    if (hasFocus()) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 1, Qt::DotLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

void MapView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    invalidate();
}

void MapView::zoomAround(QPointF widget, double factor) {
    const double zoom = std::clamp(m_zoom * factor, 1.0, kMaxZoom);
    const QPointF anchor = toMap(widget);
    m_zoom = zoom;
    // Keep the map point under the pointer where it was.
    m_pan += widget - toWidget(static_cast<float>(anchor.x()), static_cast<float>(anchor.y()));
    if (m_zoom == 1.0)
        m_pan = {};
    invalidate();
}

void MapView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomAround(event->position(), std::pow(kWheelStep, steps));
    event->accept();
}

void MapView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressAt = event->position().toPoint();
    m_panAtPress = m_pan;
    m_dragging = false;
}

void MapView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint at = event->position().toPoint();
    if (event->buttons() & Qt::LeftButton) {
        if (!m_dragging && (at - m_pressAt).manhattanLength() > 4)
            m_dragging = true;
        if (m_dragging) {
            m_pan = m_panAtPress + QPointF(at - m_pressAt);
            invalidate();
            return;
        }
    }
    const int hover = passageAt(at);
    if (hover != m_hover) {
        m_hover = hover;
        if (hover >= 0)
            m_focus = hover;
        setCursor(hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

void MapView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    if (m_dragging) {
        m_dragging = false;
        return;
    }
    const int i = passageAt(event->position().toPoint());
    if (i >= 0) {
        m_focus = i;
        setSelected(i);
        emit passageActivated(i);
    }
}

void MapView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (passageAt(event->position().toPoint()) < 0)
        resetView();
}

void MapView::keyPressEvent(QKeyEvent* event) {
    const QPointF centre(width() / 2.0, height() / 2.0);
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAround(centre, kWheelStep);
        return;
    case Qt::Key_Minus:
        zoomAround(centre, 1 / kWheelStep);
        return;
    case Qt::Key_0:
        resetView();
        return;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down: {
        const double step = 40;
        m_pan += QPointF(event->key() == Qt::Key_Left    ? step
                         : event->key() == Qt::Key_Right ? -step
                                                         : 0,
                         event->key() == Qt::Key_Up     ? step
                         : event->key() == Qt::Key_Down ? -step
                                                        : 0);
        invalidate();
        return;
    }
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_focus >= 0) {
            setSelected(m_focus);
            emit passageActivated(m_focus);
        }
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void MapView::leaveEvent(QEvent* event) {
    m_hover = -1;
    update();
    QWidget::leaveEvent(event);
}

bool MapView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int i = passageAt(help->pos());
        if (i >= 0)
            QToolTip::showText(help->globalPos(), plainToolTip(toolTipFor(i)), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace quiver
