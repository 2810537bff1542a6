#include "ui/mainwindow/worker_status_widget.h"

#include "core/jobs/background_worker.h"
#include "ui/common/plain_tool_tip.h"
#include "ui/settings/origin_approval_box.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimer>

namespace quiver {

WorkerStatusWidget::WorkerStatusWidget(BackgroundWorker* worker, QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("workerStatus"));
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("workerStatusLabel"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(QStringLiteral("workerRetryButton"));
    m_retry->setToolTip(tr("Start the background embedding again"));
    m_retry->hide();
    m_approve = new QPushButton(tr("Approve…"), this);
    m_approve->setObjectName(QStringLiteral("workerApproveButton"));
    m_approve->setToolTip(tr("Let the profile's API key go to its new address"));
    m_approve->hide();
    connect(m_approve, &QPushButton::clicked, this, &WorkerStatusWidget::confirmApproval);
    m_fade = new QTimer(this);
    m_fade->setObjectName(QStringLiteral("workerStatusFade"));
    m_fade->setSingleShot(true);
    m_fade->setInterval(kFadeMs);
    connect(m_fade, &QTimer::timeout, this, &QWidget::hide);
    connect(m_retry, &QPushButton::clicked, this, [this]() {
        m_retry->hide();
        m_approve->hide();
        m_label->setStyleSheet(QString());
        m_label->setText(tr("Embedding: starting again…"));
        m_fade->start();
        emit retryRequested();
    });

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(8);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_approve);
    layout->addWidget(m_retry);
    hide(); // nothing to say until the worker has news

    connect(worker, &BackgroundWorker::progress, this,
            [this](qint64 done, qint64 failed, qint64) { showProgress(done, failed); });
    connect(worker, &BackgroundWorker::stopped, this, &WorkerStatusWidget::showStopped);
    connect(worker, &BackgroundWorker::keyApprovalNeeded, this,
            [this](const QString& profile, const QString& origin) {
                m_approvalProfile = profile;
                m_approvalOrigin = origin;
            });
}

void WorkerStatusWidget::confirmApproval() {
    auto* box = new OriginApprovalBox(m_approvalProfile, m_approvalOrigin, this);
    connect(box, &OriginApprovalBox::approved, this,
            [this](const QString& profile, const QString& origin) {
                BackgroundWorker::approveKeyOrigin(profile, origin);
                m_approvalProfile.clear();
                m_approvalOrigin.clear();
                m_approve->hide();
                m_retry->click(); // starts again, as Retry does
            });
    box->open();
}

QString WorkerStatusWidget::text() const {
    return m_label->text();
}

bool WorkerStatusWidget::showsError() const {
    return m_retry->isVisible();
}

void WorkerStatusWidget::showProgress(qint64 done, qint64 failed) {
    const QLocale locale;
    QString text = tr("Embedded %1 passages").arg(locale.toString(done));
    if (failed > 0)
        text += tr(", %1 failed (see Jobs)").arg(locale.toString(failed));
    m_label->setText(text);
    m_label->setToolTip({});
    m_label->setStyleSheet(QString());
    m_retry->hide();
    m_approve->hide();
    show();
    // Failures need the user (see Jobs): they stay; a plain count is news and goes.
    if (failed > 0)
        m_fade->stop();
    else
        m_fade->start();
}

void WorkerStatusWidget::showStopped(int status, const QString& error) {
    m_fade->stop(); // a reason to act stays until acted on
    if (status == 0) {
        hide(); // stopped as asked: closing, or another database
        return;
    }
    const QString reason = error.isEmpty() ? tr("it could not work") : error;
    // The reason carries its fix; the status bar has one line, the tooltip all of it.
    m_label->setText(tr("Background embedding stopped: %1").arg(reason.simplified()));
    m_label->setToolTip(plainToolTip(reason));
    m_label->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_retry->show();
    // Offered only for the address this stop is about.
    m_approve->setVisible(!m_approvalOrigin.isEmpty() && reason.contains(m_approvalOrigin));
    show();
}

} // namespace quiver
