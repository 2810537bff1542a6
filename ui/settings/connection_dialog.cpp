#include "ui/settings/connection_dialog.h"

#include "core/db/private_cluster.h"
#include "core/secrets/secret_store.h"
#include "core/session/connection_tester.h"
#include "core/session/database_target.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace quiver {

namespace {

struct SslModeChoice {
    const char* mode;
    const char* label;
};

// Described in what they do for the user; the libpq name leads so that admins recognise it.
const SslModeChoice kSslModes[] = {
    {"disable", QT_TRANSLATE_NOOP("quiver::ConnectionDialog", "disable — no encryption")},
    {"allow",
     QT_TRANSLATE_NOOP("quiver::ConnectionDialog", "allow — encrypt only if the server insists")},
    {"prefer",
     QT_TRANSLATE_NOOP("quiver::ConnectionDialog", "prefer — encrypt when the server supports it")},
    {"require", QT_TRANSLATE_NOOP("quiver::ConnectionDialog",
                                  "require — always encrypt, trust any certificate")},
    {"verify-ca", QT_TRANSLATE_NOOP("quiver::ConnectionDialog",
                                    "verify-ca — encrypt and check the certificate authority")},
    {"verify-full",
     QT_TRANSLATE_NOOP("quiver::ConnectionDialog",
                       "verify-full — encrypt, check the authority and the host name")},
};

bool needsRootCert(const QString& sslMode) {
    return sslMode == QLatin1String("verify-ca") || sslMode == QLatin1String("verify-full");
}

// The root certificate field counts for the verifying modes, and for the automatic one, which
// verifies once a certificate is given.
bool usesRootCert(const QString& sslMode) {
    return sslMode.isEmpty() || needsRootCert(sslMode);
}

QString privateDataDir() {
    return QDir::toNativeSeparators(PrivateCluster::defaultDataDir());
}

QLabel* makeErrorLabel(const QString& objectName, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText); // server messages
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #c62828;"));
    label->hide();
    return label;
}

// A field with its inline error message underneath.
QWidget* withError(QWidget* field, QLabel* error, QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(error);
    return box;
}

QString versionText(const QString& serverVersion) {
    if (serverVersion.startsWith(QLatin1String("PostgreSQL")))
        return serverVersion;
    return QStringLiteral("PostgreSQL ") + serverVersion;
}

} // namespace

ConnectionDialog::ConnectionDialog(QWidget* parent)
    : QDialog(parent)
    , m_tester(new ConnectionTester(this))
    , m_secrets(std::make_unique<SecretStore>()) {
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("Database Connection"));
    buildUi();

    connect(m_tester, &ConnectionTester::succeeded, this, [this](const QString& version) {
        if (m_testing)
            finishTest(tr("Connected: %1").arg(versionText(version)), true);
    });
    connect(m_tester, &ConnectionTester::failed, this, [this](const QString& message) {
        if (m_testing)
            finishTest(message, false);
    });

    load(ConnectionSettings::load(QSettings()));
}

ConnectionDialog::~ConnectionDialog() {
    if (m_testing)
        m_tester->cancel();
}

void ConnectionDialog::buildUi() {
    auto* intro = new QLabel(tr("Where should Quiver keep your library?"), this);
    QFont introFont = intro->font();
    introFont.setBold(true);
    intro->setFont(introFont);

    m_privateRadio = new QRadioButton(tr("Private database on this computer"), this);
    m_privateRadio->setObjectName(QStringLiteral("privateRadio"));
    m_privateDescription =
        new QLabel(tr("Quiver keeps its own PostgreSQL database in %1. Nothing to set up: it "
                      "starts and stops with Quiver and only this computer can reach it.")
                       .arg(privateDataDir()),
                   this);
    m_privateDescription->setObjectName(QStringLiteral("privateDescription"));
    m_privateDescription->setWordWrap(true);
    m_privateDescription->setForegroundRole(QPalette::PlaceholderText);
    m_privateDescription->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_serverRadio = new QRadioButton(tr("PostgreSQL server"), this);
    m_serverRadio->setObjectName(QStringLiteral("serverRadio"));
    auto* serverDescription =
        new QLabel(tr("Share one library between computers, or use a server that is backed up. "
                      "Needs PostgreSQL 13 or newer; no extension is required."),
                   this);
    serverDescription->setWordWrap(true);
    serverDescription->setForegroundRole(QPalette::PlaceholderText);

    m_modeGroup = new QButtonGroup(this);
    m_modeGroup->addButton(m_privateRadio);
    m_modeGroup->addButton(m_serverRadio);

    m_serverFields = new QWidget(this);
    m_serverFields->setObjectName(QStringLiteral("serverFields"));

    m_host = new QLineEdit(m_serverFields);
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setPlaceholderText(tr("db.example.com"));
    m_port = new QSpinBox(m_serverFields);
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_port->setGroupSeparatorShown(false);
    auto* hostRow = new QWidget(m_serverFields);
    auto* hostLayout = new QHBoxLayout(hostRow);
    hostLayout->setContentsMargins(0, 0, 0, 0);
    hostLayout->addWidget(m_host, 1);
    auto* portLabel = new QLabel(tr("&Port:"), hostRow);
    portLabel->setBuddy(m_port);
    hostLayout->addWidget(portLabel);
    hostLayout->addWidget(m_port);

    m_database = new QLineEdit(m_serverFields);
    m_database->setObjectName(QStringLiteral("databaseEdit"));
    m_database->setPlaceholderText(QStringLiteral("quiver"));
    m_user = new QLineEdit(m_serverFields);
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_password = new QLineEdit(m_serverFields);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);

    m_sslMode = new QComboBox(m_serverFields);
    m_sslMode->setObjectName(QStringLiteral("sslModeCombo"));
    // First, the mode nobody chose: its text says what it amounts to for the host (see
    // updateAutomaticSslMode).
    m_sslMode->addItem(QString(), QString());
    for (const SslModeChoice& choice : kSslModes)
        m_sslMode->addItem(tr(choice.label), QString::fromLatin1(choice.mode));

    m_rootCert = new QLineEdit(m_serverFields);
    m_rootCert->setObjectName(QStringLiteral("rootCertEdit"));
    m_rootCert->setPlaceholderText(tr("default: ~/.postgresql/root.crt"));
    m_rootCertBrowse = new QPushButton(tr("Choose…"), m_serverFields);
    m_rootCertBrowse->setObjectName(QStringLiteral("rootCertBrowseButton"));
    auto* certRow = new QWidget(m_serverFields);
    auto* certLayout = new QHBoxLayout(certRow);
    certLayout->setContentsMargins(0, 0, 0, 0);
    certLayout->addWidget(m_rootCert, 1);
    certLayout->addWidget(m_rootCertBrowse);

    m_hostError = makeErrorLabel(QStringLiteral("hostError"), m_serverFields);
    m_databaseError = makeErrorLabel(QStringLiteral("databaseError"), m_serverFields);
    m_userError = makeErrorLabel(QStringLiteral("userError"), m_serverFields);
    m_rootCertError = makeErrorLabel(QStringLiteral("rootCertError"), m_serverFields);

    m_testButton = new QPushButton(tr("&Test connection"), m_serverFields);
    m_testButton->setObjectName(QStringLiteral("testButton"));
    m_testBusy = new QProgressBar(m_serverFields);
    m_testBusy->setObjectName(QStringLiteral("testBusyIndicator"));
    m_testBusy->setRange(0, 0);
    m_testBusy->setTextVisible(false);
    m_testBusy->setFixedSize(80, 12);
    m_testBusy->hide();
    m_cancelTestButton = new QPushButton(tr("Cancel test"), m_serverFields);
    m_cancelTestButton->setObjectName(QStringLiteral("cancelTestButton"));
    m_cancelTestButton->hide();
    m_testResult = new QLabel(m_serverFields);
    m_testResult->setObjectName(QStringLiteral("testResultLabel"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextFormat(Qt::PlainText);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult->hide();
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_testBusy);
    testRow->addWidget(m_cancelTestButton);
    testRow->addStretch(1);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // Labels are made here so that their mnemonics focus the edit, not its error container.
    auto addRow = [form, this](const QString& text, QWidget* buddy, QWidget* field) {
        auto* label = new QLabel(text, m_serverFields);
        label->setBuddy(buddy);
        form->addRow(label, field);
    };
    // These fields sit in containers of their own (with their error, or a button beside), out
    // of reach of Qt's lookup of a form label as a sibling: they are named here.
    m_host->setAccessibleName(tr("Host"));
    m_host->setAccessibleDescription(tr("The name or address of the PostgreSQL server"));
    m_database->setAccessibleName(tr("Database"));
    m_user->setAccessibleName(tr("User"));
    m_rootCert->setAccessibleName(tr("Root certificate"));
    m_rootCert->setAccessibleDescription(
        tr("The certificate authority's certificate that the server's certificate is checked "
           "against; empty for the default"));
    m_rootCertBrowse->setAccessibleName(tr("Choose the root certificate file"));
    m_sslMode->setAccessibleDescription(
        tr("Whether the connection is encrypted and how the server's certificate is checked"));
    addRow(tr("&Host:"), m_host, withError(hostRow, m_hostError, m_serverFields));
    addRow(tr("&Database:"), m_database, withError(m_database, m_databaseError, m_serverFields));
    addRow(tr("&User:"), m_user, withError(m_user, m_userError, m_serverFields));
    addRow(tr("Pass&word:"), m_password, m_password);
    addRow(tr("&Encryption:"), m_sslMode, m_sslMode);
    addRow(tr("&Root certificate:"), m_rootCert,
           withError(certRow, m_rootCertError, m_serverFields));

    auto* serverLayout = new QVBoxLayout(m_serverFields);
    serverLayout->setContentsMargins(24, 4, 0, 0);
    serverLayout->setSpacing(8);
    serverLayout->addLayout(form);
    serverLayout->addLayout(testRow);
    serverLayout->addWidget(m_testResult);

    m_saveError = makeErrorLabel(QStringLiteral("saveErrorLabel"), this);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("buttonBox"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Save and connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectionDialog::reject);

    auto* privateBox = new QVBoxLayout;
    privateBox->setContentsMargins(24, 0, 0, 0);
    privateBox->addWidget(m_privateDescription);
    auto* serverBox = new QVBoxLayout;
    serverBox->setContentsMargins(24, 0, 0, 0);
    serverBox->addWidget(serverDescription);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 18, 20, 14);
    layout->setSpacing(8);
    layout->addWidget(intro);
    layout->addSpacing(4);
    layout->addWidget(m_privateRadio);
    layout->addLayout(privateBox);
    layout->addSpacing(8);
    layout->addWidget(m_serverRadio);
    layout->addLayout(serverBox);
    layout->addWidget(m_serverFields);
    layout->addStretch(1);
    layout->addWidget(m_saveError);
    layout->addWidget(m_buttons);
    setMinimumWidth(560);

    connect(m_privateRadio, &QRadioButton::toggled, this, &ConnectionDialog::updateEnabled);
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, &ConnectionDialog::updateEnabled);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionDialog::startTest);
    connect(m_cancelTestButton, &QPushButton::clicked, this, &ConnectionDialog::cancelTest);
    connect(m_rootCertBrowse, &QPushButton::clicked, this,
            &ConnectionDialog::chooseRootCertificate);

    // An error goes away as soon as the user starts fixing its field.
    const std::pair<QLineEdit*, QLabel*> fields[] = {{m_host, m_hostError},
                                                     {m_database, m_databaseError},
                                                     {m_user, m_userError},
                                                     {m_rootCert, m_rootCertError}};
    for (const auto& [edit, error] : fields)
        connect(edit, &QLineEdit::textEdited, error, &QLabel::hide);
    for (QLineEdit* edit : {m_host, m_database, m_user})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionDialog::updatePasswordPlaceholder);
    for (QLineEdit* edit : {m_host, m_rootCert})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionDialog::updateAutomaticSslMode);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionDialog::updatePasswordPlaceholder);
}

void ConnectionDialog::load(const ConnectionSettings& saved) {
    m_saved = saved;
    m_host->setText(saved.host);
    m_port->setValue(saved.port);
    m_database->setText(saved.database);
    m_user->setText(saved.user.isEmpty() ? qEnvironmentVariable("USER") : saved.user);
    const int ssl = m_sslMode->findData(saved.sslMode);
    m_sslMode->setCurrentIndex(std::max(ssl, 0)); // not a known mode: the automatic one
    m_rootCert->setText(saved.sslRootCert);
    m_password->clear();
    (saved.mode == ConnectionSettings::Mode::Server ? m_serverRadio : m_privateRadio)
        ->setChecked(true);
    updateEnabled();
    updatePasswordPlaceholder();
}

ConnectionSettings ConnectionDialog::settings() const {
    ConnectionSettings s;
    s.mode = m_serverRadio->isChecked() ? ConnectionSettings::Mode::Server
                                        : ConnectionSettings::Mode::Private;
    s.host = m_host->text().trimmed();
    s.port = m_port->value();
    s.database = m_database->text().trimmed();
    s.user = m_user->text().trimmed();
    s.sslMode = m_sslMode->currentData().toString();
    s.sslRootCert = usesRootCert(s.sslMode) ? m_rootCert->text().trimmed() : QString();
    return s;
}

DatabaseTarget ConnectionDialog::target() const {
    DatabaseTarget t;
    const ConnectionSettings s = settings();
    if (s.mode == ConnectionSettings::Mode::Server) {
        t.source = DatabaseTarget::Source::Settings;
        t.settings = s;
    } else {
        t.source = DatabaseTarget::Source::PrivateCluster;
    }
    return t;
}

void ConnectionDialog::updateEnabled() {
    const bool server = m_serverRadio->isChecked();
    m_serverFields->setEnabled(server);
    m_privateDescription->setEnabled(!server);
    updateAutomaticSslMode();
    const bool cert = usesRootCert(m_sslMode->currentData().toString());
    m_rootCert->setEnabled(cert);
    m_rootCertBrowse->setEnabled(cert);
    if (!cert)
        m_rootCertError->hide();
    m_testButton->setEnabled(server && !m_testing);
}

void ConnectionDialog::updateAutomaticSslMode() {
    ConnectionSettings s;
    s.mode = ConnectionSettings::Mode::Server;
    s.host = m_host->text().trimmed();
    s.sslRootCert = m_rootCert->text().trimmed();
    const QString mode = s.effectiveSslMode();
    QString why;
    if (!s.sslRootCert.isEmpty())
        why = tr("a root certificate is given");
    else if (mode == QLatin1String("require"))
        why = tr("the server is on another computer");
    else
        why = tr("the server is on this computer");
    m_sslMode->setItemText(0, tr("automatic — %1, since %2").arg(mode, why));
}

bool ConnectionDialog::storedPasswordApplies() const {
    return m_saved.mode == ConnectionSettings::Mode::Server &&
           settings().keychainKey() == m_saved.keychainKey();
}

void ConnectionDialog::updatePasswordPlaceholder() {
    m_password->setPlaceholderText(storedPasswordApplies()
                                       ? tr("stored in the keychain")
                                       : tr("leave empty if the server needs none"));
}

void ConnectionDialog::clearErrors() {
    for (QLabel* l : {m_hostError, m_databaseError, m_userError, m_rootCertError, m_saveError})
        l->hide();
}

void ConnectionDialog::setFieldError(QLabel* label, const QString& message) {
    label->setText(message);
    label->show();
}

bool ConnectionDialog::validate() {
    clearErrors();
    const ConnectionSettings s = settings();
    QWidget* firstBad = nullptr;
    auto fail = [&firstBad](QLabel* label, QWidget* field, const QString& message) {
        label->setText(message);
        label->show();
        if (!firstBad)
            firstBad = field;
    };
    if (s.host.isEmpty())
        fail(m_hostError, m_host, tr("Enter the server's host name or address."));
    else if (s.host.contains(QLatin1Char(' ')))
        fail(m_hostError, m_host, tr("A host name cannot contain spaces."));
    if (s.database.isEmpty())
        fail(m_databaseError, m_database, tr("Enter the name of the database, e.g. quiver."));
    if (s.user.isEmpty())
        fail(m_userError, m_user, tr("Enter the user name to log in with."));
    if (usesRootCert(s.sslMode) && !s.sslRootCert.isEmpty()) {
        const QFileInfo cert(s.sslRootCert);
        if (!cert.isFile() || !cert.isReadable())
            fail(m_rootCertError, m_rootCert,
                 tr("Cannot read the certificate file %1.").arg(s.sslRootCert));
    }
    if (firstBad)
        firstBad->setFocus();
    return firstBad == nullptr;
}

void ConnectionDialog::chooseRootCertificate() {
    const QString start = m_rootCert->text().isEmpty() ? QDir::homePath() : m_rootCert->text();
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Root Certificate"), start, tr("Certificates (*.crt *.pem *.cer);;All files (*)"));
    if (!file.isEmpty()) {
        m_rootCert->setText(file);
        m_rootCertError->hide();
    }
}

void ConnectionDialog::setBusy(bool busy) {
    m_testing = busy;
    m_testButton->setEnabled(!busy && m_serverRadio->isChecked());
    m_testBusy->setVisible(busy);
    m_cancelTestButton->setVisible(busy);
    if (busy) {
        m_testResult->setStyleSheet(QString());
        m_testResult->setText(tr("Testing the connection…"));
        m_testResult->show();
    }
}

void ConnectionDialog::startTest() {
    if (m_testing || !validate())
        return;
    const ConnectionSettings s = settings();
    const QString typed = m_password->text();
    setBusy(true);
    if (!typed.isEmpty() || !storedPasswordApplies()) {
        runTest(s, typed);
        return;
    }
    m_secrets->readAsync(s.keychainKey(), this, [this, s](const SecretResult& r) {
        if (!m_testing)
            return;
        if (!r.ok && !r.notFound) {
            finishTest(tr("Could not read the password from the keychain: %1").arg(r.error), false);
            return;
        }
        runTest(s, r.ok ? r.value : QString());
    });
}

void ConnectionDialog::runTest(const ConnectionSettings& settings, const QString& password) {
    m_tester->test(settings, password);
}

void ConnectionDialog::cancelTest() {
    if (!m_testing)
        return;
    m_tester->cancel();
    setBusy(false);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Test cancelled."));
}

void ConnectionDialog::finishTest(const QString& message, bool ok) {
    setBusy(false);
    m_testResult->setStyleSheet(ok ? QStringLiteral("color: #2e7d32;")
                                   : QStringLiteral("color: #c62828;"));
    m_testResult->setText(message);
    m_testResult->show();
}

void ConnectionDialog::accept() {
    if (m_saving)
        return;
    const ConnectionSettings s = settings();
    const bool server = s.mode == ConnectionSettings::Mode::Server;
    if (server && !validate())
        return;
    clearErrors();
    const QString password = m_password->text();
    if (!server || password.isEmpty()) {
        storeSettingsAndClose();
        return;
    }
    // The password goes to the keychain first: settings that point at a server whose
    // password could not be stored would fail at the next start.
    m_saving = true;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    m_secrets->writeAsync(s.keychainKey(), password, this, [this](const SecretResult& r) {
        m_saving = false;
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
        if (!r.ok) {
            setFieldError(m_saveError,
                          tr("Could not store the password in the keychain: %1").arg(r.error));
            return;
        }
        storeSettingsAndClose();
    });
}

void ConnectionDialog::storeSettingsAndClose() {
    QSettings qs;
    settings().save(qs);
    qs.sync();
    if (qs.status() != QSettings::NoError) {
        setFieldError(m_saveError, tr("Could not write the settings file %1.").arg(qs.fileName()));
        return;
    }
    if (m_testing)
        cancelTest();
    QDialog::accept();
}

void ConnectionDialog::reject() {
    if (m_testing)
        cancelTest();
    QDialog::reject();
}

} // namespace quiver
