#pragma once

#include <QDialog>

class QLabel;

namespace quiver {

struct DatabaseTarget;

// Preferences: the database connection now, embedding providers later.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    // currentConnection: DatabaseTarget::describe() of the database in use.
    explicit SettingsDialog(const QString& currentConnection, QWidget* parent = nullptr);
    // With the database in use known, the Embeddings section manages its provider profiles.
    explicit SettingsDialog(const DatabaseTarget& target, QWidget* parent = nullptr);

    void showConnectionDialog();

signals:
    // The user saved a new connection in the connection dialog.
    void connectionChanged(const quiver::DatabaseTarget& target);

private:
    SettingsDialog(const QString& currentConnection, const DatabaseTarget* target, QWidget* parent);

    QLabel* m_connection = nullptr;
};

} // namespace quiver
