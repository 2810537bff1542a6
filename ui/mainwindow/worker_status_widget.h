#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace quiver {

class BackgroundWorker;

// The status bar's account of the background embedding worker: how many passages it has
// embedded this session, and, when it stopped because it could not work (no key, an unknown
// model, a server that refuses), the reason and a Retry button.
class WorkerStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit WorkerStatusWidget(BackgroundWorker* worker, QWidget* parent = nullptr);

    QString text() const;
    bool showsError() const;

signals:
    void retryRequested();

private:
    void showProgress(qint64 done, qint64 failed);
    void showStopped(int status, const QString& error);

    QLabel* m_label = nullptr;
    QPushButton* m_retry = nullptr;
};

} // namespace quiver
