#include "ui/common/empty_state.h"

#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

namespace quiver {

EmptyState::EmptyState(const QString& iconPath, const QString& title, const QString& hint,
                       QWidget* parent)
    : QWidget(parent) {
    auto* icon = new QLabel(this);
    icon->setObjectName(QStringLiteral("emptyStateIcon"));
    icon->setPixmap(QIcon(iconPath).pixmap(64, 64));
    icon->setAlignment(Qt::AlignCenter);

    m_title = new QLabel(title, this);
    m_title->setObjectName(QStringLiteral("emptyStateTitle"));
    m_title->setAlignment(Qt::AlignCenter);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_hint = new QLabel(hint, this);
    m_hint->setObjectName(QStringLiteral("emptyStateHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(10);
    layout->addStretch(1);
    layout->addWidget(icon);
    layout->addSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_hint);
    layout->addStretch(1);
}

void EmptyState::setTitle(const QString& title) {
    m_title->setText(title);
}

void EmptyState::setHint(const QString& hint) {
    m_hint->setText(hint);
}

QString EmptyState::title() const {
    return m_title->text();
}

QString EmptyState::hint() const {
    return m_hint->text();
}

} // namespace quiver
