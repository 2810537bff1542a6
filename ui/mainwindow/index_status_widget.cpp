#include "ui/mainwindow/index_status_widget.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <algorithm>

namespace quiver {

IndexStatusWidget::IndexStatusWidget(SearchService* service, QWidget* parent)
    : QWidget(parent)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); }) {
    setObjectName(QStringLiteral("indexStatus"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("statusIndexText"));
    m_text->setTextFormat(Qt::PlainText);
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("statusIndexProgress"));
    m_bar->setRange(0, 1000);
    m_bar->setMaximumWidth(120);
    m_bar->setTextVisible(false);
    m_bar->setAccessibleName(tr("Search index progress"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addWidget(m_bar);
    hide();
    connect(service, &SearchService::stateChanged, this, &IndexStatusWidget::onState);
}

QString IndexStatusWidget::text() const {
    return isVisibleTo(parentWidget()) ? m_text->text() : QString();
}

void IndexStatusWidget::onState(SearchService::State state, const QString& message,
                                double progress) {
    if (state != SearchService::State::Building) {
        m_building = false;
        hide();
        return;
    }
    const qint64 now = m_now();
    const double fraction = std::clamp(progress, 0.0, 1.0);
    // The keyword index, then the vector index, each from 0 to 1: each its own estimate.
    if (!m_building || fraction + 0.05 < m_last) {
        m_building = true;
        m_eta.start(now);
    }
    m_last = fraction;
    m_bar->setValue(static_cast<int>(fraction * 1000));
    QString text = tr("Search index: %1%").arg(static_cast<int>(fraction * 100));
    if (const auto left = m_eta.secondsLeft(fraction, now))
        text += QStringLiteral(" · ") + EtaEstimate::describe(*left);
    m_text->setText(text);
    m_text->setToolTip(message);
    setToolTip(message);
    show();
}

} // namespace quiver
