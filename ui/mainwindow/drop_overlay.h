#pragma once

#include <QWidget>

namespace quiver {

// Covers the window while files are dragged over it, so the whole window reads as the target.
// Transparent to the mouse: the drag events still reach the window beneath.
class DropOverlay : public QWidget {
    Q_OBJECT
public:
    explicit DropOverlay(QWidget* parent);
    void showOver(QWidget* target);

protected:
    void paintEvent(QPaintEvent* event) override;
};

} // namespace quiver
