#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace quiver {

class DatabaseSession;
struct DatabaseStatus;

// The status bar's account of the database: which one, its versions, the current step while
// connecting, or the error with a way to fix the connection.
class DatabaseStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit DatabaseStatusWidget(DatabaseSession* session, QWidget* parent = nullptr);

    QString text() const;

signals:
    void connectionSettingsRequested();

private:
    void showOpening(const QString& step);
    void showOpen(const DatabaseStatus& status);
    void showFailed(const QString& userMessage);
    void showClosed();
    void setMessage(const QString& text, bool error);

    DatabaseSession* m_session = nullptr;
    QLabel* m_icon = nullptr;
    QLabel* m_label = nullptr;
    QProgressBar* m_busy = nullptr;
    QPushButton* m_settingsButton = nullptr;
};

} // namespace quiver
