#pragma once

#include "core/db/connection_settings.h"

#include <QDialog>

#include <memory>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace quiver {

class ConnectionTester;
class SecretStore;
struct DatabaseTarget;

// Chooses the database: the private one on this computer or a PostgreSQL server. Saving
// writes the settings with ConnectionSettings::save and the password to the keychain, never
// to the settings; accepted() fires only once both are stored.
class ConnectionDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectionDialog(QWidget* parent = nullptr);
    ~ConnectionDialog() override;

    // The choice as shown in the fields (the password is not part of it).
    ConnectionSettings settings() const;
    // What to open once the dialog has been accepted.
    DatabaseTarget target() const;

    // Validates, stores the password and the settings, then closes.
    void accept() override;
    void reject() override;

private:
    void buildUi();
    void load(const ConnectionSettings& saved);
    void updateEnabled();
    void updatePasswordPlaceholder();
    // The automatic sslmode's entry names the mode it amounts to for the host typed.
    void updateAutomaticSslMode();
    bool validate();
    void clearErrors();
    void setFieldError(QLabel* label, const QString& message);

    void startTest();
    void runTest(const ConnectionSettings& settings, const QString& password);
    void cancelTest();
    void finishTest(const QString& message, bool ok);
    void setBusy(bool busy);
    void chooseRootCertificate();
    void storeSettingsAndClose();

    bool storedPasswordApplies() const;

    ConnectionSettings m_saved;
    bool m_hasStoredPassword = false;
    bool m_testing = false;
    bool m_saving = false;

    QRadioButton* m_privateRadio = nullptr;
    QRadioButton* m_serverRadio = nullptr;
    QButtonGroup* m_modeGroup = nullptr;
    QLabel* m_privateDescription = nullptr;
    QWidget* m_serverFields = nullptr;
    QLineEdit* m_host = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_database = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_password = nullptr;
    QComboBox* m_sslMode = nullptr;
    QLineEdit* m_rootCert = nullptr;
    QPushButton* m_rootCertBrowse = nullptr;
    QLabel* m_hostError = nullptr;
    QLabel* m_databaseError = nullptr;
    QLabel* m_userError = nullptr;
    QLabel* m_rootCertError = nullptr;
    QPushButton* m_testButton = nullptr;
    QPushButton* m_cancelTestButton = nullptr;
    QProgressBar* m_testBusy = nullptr;
    QLabel* m_testResult = nullptr;
    QLabel* m_saveError = nullptr;
    QDialogButtonBox* m_buttons = nullptr;

    ConnectionTester* m_tester = nullptr;
    std::unique_ptr<SecretStore> m_secrets;
};

} // namespace quiver
