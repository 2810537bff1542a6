#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTimer;

namespace quiver {

class BackgroundWorker;

// The status bar's account of the background embedding worker: how many passages it has
// embedded this session (for a while after the last batch), and, when it stopped because it could
// not work (no key, an unknown model, a server that refuses), the reason and a Retry button; when
// it stopped because the profile's address is not the one approved for its API key, also an Approve
// button, which asks the user to confirm that exact address before the worker starts again.
class WorkerStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit WorkerStatusWidget(BackgroundWorker* worker, QWidget* parent = nullptr);

    QString text() const;
    bool showsError() const;

    // How long "Embedded N passages" stays after the last batch: news, not a state.
    static constexpr int kFadeMs = 10000;

signals:
    void retryRequested();

private:
    void showProgress(qint64 done, qint64 failed);
    void showStopped(int status, const QString& error);
    void confirmApproval();

    QLabel* m_label = nullptr;
    QPushButton* m_retry = nullptr;
    QPushButton* m_approve = nullptr;
    QTimer* m_fade = nullptr;
    QString m_approvalProfile; // what the worker asked to approve, as it asked
    QString m_approvalOrigin;
};

} // namespace quiver
