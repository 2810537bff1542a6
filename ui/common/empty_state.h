#pragma once

#include <QWidget>

class QLabel;

namespace quiver {

// The centred icon, title and hint that a page shows while it has nothing to list.
class EmptyState : public QWidget {
    Q_OBJECT
public:
    EmptyState(const QString& iconPath, const QString& title, const QString& hint,
               QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setHint(const QString& hint);
    QString title() const;
    QString hint() const;

private:
    QLabel* m_title = nullptr;
    QLabel* m_hint = nullptr;
};

} // namespace quiver
