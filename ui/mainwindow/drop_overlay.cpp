#include "ui/mainwindow/drop_overlay.h"

#include <QPainter>
#include <QPainterPath>

namespace quiver {

DropOverlay::DropOverlay(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("dropHighlight"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    hide();
}

void DropOverlay::showOver(QWidget* target) {
    setGeometry(target->geometry());
    raise();
    show();
}

void DropOverlay::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor accent(58, 110, 165);
    QColor fill = accent;
    fill.setAlpha(40);
    QPainterPath path;
    path.addRoundedRect(QRectF(rect()).adjusted(6, 6, -6, -6), 12, 12);
    p.fillPath(path, fill);
    QPen pen(accent, 3, Qt::DashLine);
    p.setPen(pen);
    p.drawPath(path);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    p.setFont(f);
    p.drawText(rect(), Qt::AlignCenter, tr("Drop files or folders to import them"));
}

} // namespace quiver
