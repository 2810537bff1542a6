// ConnectionDialog against the real test server over TCP and a real keychain.
#include "core/db/connection_settings.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_target.h"
#include "tests/harness/test_postgres.h"
#include "ui/settings/connection_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

#include <optional>

using namespace quiver;

namespace {
constexpr int kTestTimeoutMs = 20000;

// Finds the dialog's widgets by object name; a missing one fails the test.
struct Fields {
    explicit Fields(ConnectionDialog& d)
        : privateRadio(get<QRadioButton>(d, "privateRadio"))
        , serverRadio(get<QRadioButton>(d, "serverRadio"))
        , serverFields(get<QWidget>(d, "serverFields"))
        , host(get<QLineEdit>(d, "hostEdit"))
        , port(get<QSpinBox>(d, "portSpin"))
        , database(get<QLineEdit>(d, "databaseEdit"))
        , user(get<QLineEdit>(d, "userEdit"))
        , password(get<QLineEdit>(d, "passwordEdit"))
        , sslMode(get<QComboBox>(d, "sslModeCombo"))
        , rootCert(get<QLineEdit>(d, "rootCertEdit"))
        , rootCertBrowse(get<QPushButton>(d, "rootCertBrowseButton"))
        , hostError(get<QLabel>(d, "hostError"))
        , databaseError(get<QLabel>(d, "databaseError"))
        , userError(get<QLabel>(d, "userError"))
        , rootCertError(get<QLabel>(d, "rootCertError"))
        , test(get<QPushButton>(d, "testButton"))
        , cancelTest(get<QPushButton>(d, "cancelTestButton"))
        , busy(get<QProgressBar>(d, "testBusyIndicator"))
        , result(get<QLabel>(d, "testResultLabel"))
        , privateDescription(get<QLabel>(d, "privateDescription"))
        , ok(get<QDialogButtonBox>(d, "buttonBox")->button(QDialogButtonBox::Ok)) {}

    template <typename T>
    static T* get(ConnectionDialog& d, const char* name) {
        T* w = d.findChild<T*>(QString::fromLatin1(name));
        if (!w)
            throw std::runtime_error(std::string("ConnectionDialog has no ") + name);
        return w;
    }

    QRadioButton* privateRadio;
    QRadioButton* serverRadio;
    QWidget* serverFields;
    QLineEdit* host;
    QSpinBox* port;
    QLineEdit* database;
    QLineEdit* user;
    QLineEdit* password;
    QComboBox* sslMode;
    QLineEdit* rootCert;
    QPushButton* rootCertBrowse;
    QLabel* hostError;
    QLabel* databaseError;
    QLabel* userError;
    QLabel* rootCertError;
    QPushButton* test;
    QPushButton* cancelTest;
    QProgressBar* busy;
    QLabel* result;
    QLabel* privateDescription;
    QPushButton* ok;
};

void setText(QLineEdit* edit, const QString& text) {
    edit->selectAll();
    edit->del();
    QTest::keyClicks(edit, text);
}

void selectSslMode(QComboBox* combo, const QString& mode) {
    const int i = combo->findData(mode);
    QVERIFY2(i >= 0, qPrintable(mode));
    combo->setCurrentIndex(i);
}

// Points the server fields at the fixture's password user over TCP.
void fillServer(Fields& f, const QString& password) {
    const auto& pg = test::TestPostgres::instance();
    f.serverRadio->click();
    setText(f.host, QStringLiteral("127.0.0.1"));
    f.port->setValue(pg.port());
    setText(f.database, QStringLiteral("postgres"));
    setText(f.user, pg.passwordUser());
    setText(f.password, password);
    selectSslMode(f.sslMode, QStringLiteral("require"));
}

std::optional<SecretResult> readSecret(const QString& key) {
    SecretStore store;
    std::optional<SecretResult> result;
    QObject context;
    store.readAsync(key, &context, [&result](const SecretResult& r) { result = r; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, kTestTimeoutMs))
        return std::nullopt;
    return result;
}
} // namespace

class TestConnectionDialog : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void defaultsToPrivateDatabase();
    void fieldsFollowMode();
    void rootCertificateFollowsSslMode_data();
    void rootCertificateFollowsSslMode();
    void automaticSslModeShowsWhatItAmountsTo();
    void explicitSslModeIsKept();
    void validationMessages();
    void testSucceedsWithRightPassword();
    void testFailsWithWrongPassword();
    void testVerifyFullWithRootCertificate();
    void testCanBeCancelled();
    void savingKeepsPasswordOutOfSettings();
    void reopeningKeepsStoredPassword();
    void privateChoiceSavesPrivateMode();
};

void TestConnectionDialog::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuiverTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_connection_dialog"));
    QVERIFY2(QSettings().fileName().contains(QLatin1String(".qttest")),
             qPrintable(QSettings().fileName()));
    (void)test::TestPostgres::instance();
}

void TestConnectionDialog::init() {
    QSettings().clear();
}

void TestConnectionDialog::defaultsToPrivateDatabase() {
    ConnectionDialog dialog;
    Fields f(dialog);
    QVERIFY(f.privateRadio->isChecked());
    QVERIFY(f.privateDescription->text().contains(QLatin1String("Nothing to set up")));
    QCOMPARE(dialog.target().source, DatabaseTarget::Source::PrivateCluster);
    QCOMPARE(f.port->value(), 5432);
    // Never chosen: the automatic mode, which names what it amounts to.
    QCOMPARE(f.sslMode->currentData().toString(), QString());
    QVERIFY2(f.sslMode->currentText().startsWith(QLatin1String("automatic")),
             qPrintable(f.sslMode->currentText()));
    QCOMPARE(f.password->echoMode(), QLineEdit::Password);
}

void TestConnectionDialog::fieldsFollowMode() {
    ConnectionDialog dialog;
    Fields f(dialog);
    QVERIFY(!f.serverFields->isEnabled());
    QVERIFY(!f.host->isEnabled());
    QVERIFY(!f.test->isEnabled());

    f.serverRadio->click();
    QVERIFY(f.serverFields->isEnabled());
    QVERIFY(f.host->isEnabled());
    QVERIFY(f.password->isEnabled());
    QVERIFY(f.test->isEnabled());
    QCOMPARE(dialog.settings().mode, ConnectionSettings::Mode::Server);
    QCOMPARE(dialog.target().source, DatabaseTarget::Source::Settings);

    f.privateRadio->click();
    QVERIFY(!f.host->isEnabled());
    QVERIFY(!f.test->isEnabled());
    QCOMPARE(dialog.settings().mode, ConnectionSettings::Mode::Private);
}

void TestConnectionDialog::rootCertificateFollowsSslMode_data() {
    QTest::addColumn<QString>("mode");
    QTest::addColumn<bool>("certEnabled");
    QTest::newRow("automatic") << QString() << true; // verifies once a certificate is given
    QTest::newRow("disable") << QStringLiteral("disable") << false;
    QTest::newRow("allow") << QStringLiteral("allow") << false;
    QTest::newRow("prefer") << QStringLiteral("prefer") << false;
    QTest::newRow("require") << QStringLiteral("require") << false;
    QTest::newRow("verify-ca") << QStringLiteral("verify-ca") << true;
    QTest::newRow("verify-full") << QStringLiteral("verify-full") << true;
}

void TestConnectionDialog::rootCertificateFollowsSslMode() {
    QFETCH(QString, mode);
    QFETCH(bool, certEnabled);
    ConnectionDialog dialog;
    Fields f(dialog);
    f.serverRadio->click();
    selectSslMode(f.sslMode, mode);
    QCOMPARE(f.rootCert->isEnabled(), certEnabled);
    QCOMPARE(f.rootCertBrowse->isEnabled(), certEnabled);
    QCOMPARE(dialog.settings().sslMode, mode);
}

void TestConnectionDialog::automaticSslModeShowsWhatItAmountsTo() {
    ConnectionDialog dialog;
    Fields f(dialog);
    f.serverRadio->click();
    setText(f.host, QStringLiteral("db.example.com"));
    QCOMPARE(f.sslMode->currentData().toString(), QString());
    QVERIFY2(f.sslMode->currentText().contains(QLatin1String("require")),
             qPrintable(f.sslMode->currentText()));
    QVERIFY(dialog.settings().sslMode.isEmpty());
    QCOMPARE(dialog.settings().effectiveSslMode(), QStringLiteral("require"));
    QVERIFY2(dialog.settings().conninfo().contains(QLatin1String("sslmode=require")),
             qPrintable(dialog.settings().conninfo()));

    setText(f.host, QStringLiteral("127.0.0.1"));
    QVERIFY2(f.sslMode->currentText().contains(QLatin1String("prefer")),
             qPrintable(f.sslMode->currentText()));
    QCOMPARE(dialog.settings().effectiveSslMode(), QStringLiteral("prefer"));

    setText(f.host, QStringLiteral("db.example.com"));
    setText(f.rootCert, QStringLiteral("/etc/ssl/quiver-root.crt"));
    QVERIFY2(f.sslMode->currentText().contains(QLatin1String("verify-full")),
             qPrintable(f.sslMode->currentText()));
    QCOMPARE(dialog.settings().sslRootCert, QStringLiteral("/etc/ssl/quiver-root.crt"));
    QCOMPARE(dialog.settings().effectiveSslMode(), QStringLiteral("verify-full"));
}

void TestConnectionDialog::explicitSslModeIsKept() {
    ConnectionSettings saved;
    saved.mode = ConnectionSettings::Mode::Server;
    saved.host = QStringLiteral("db.example.com");
    saved.user = QStringLiteral("alice");
    saved.sslMode = QStringLiteral("prefer"); // the user's own choice, weak as it is
    {
        QSettings settings;
        saved.save(settings);
    }
    ConnectionDialog dialog;
    Fields f(dialog);
    QCOMPARE(f.sslMode->currentData().toString(), QStringLiteral("prefer"));
    QCOMPARE(dialog.settings().sslMode, QStringLiteral("prefer"));
    QCOMPARE(dialog.settings().effectiveSslMode(), QStringLiteral("prefer"));
    QCOMPARE(dialog.settings(), saved);
}

void TestConnectionDialog::validationMessages() {
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    f.serverRadio->click();
    f.host->clear();
    f.database->clear();
    f.user->clear();
    selectSslMode(f.sslMode, QStringLiteral("verify-full"));
    setText(f.rootCert, QStringLiteral("/nonexistent/root.crt"));

    QTest::mouseClick(f.ok, Qt::LeftButton);
    QVERIFY(accepted.isEmpty());
    QVERIFY(dialog.isVisible());
    QVERIFY(f.hostError->isVisible());
    QVERIFY(f.hostError->text().contains(QLatin1String("host")));
    QVERIFY(f.databaseError->isVisible());
    QVERIFY(f.databaseError->text().contains(QLatin1String("database")));
    QVERIFY(f.userError->isVisible());
    QVERIFY(f.userError->text().contains(QLatin1String("user")));
    QVERIFY(f.rootCertError->isVisible());
    QVERIFY(f.rootCertError->text().contains(QLatin1String("/nonexistent/root.crt")));
    QVERIFY(f.host->hasFocus());

    // Fixing a field clears its message; a host with a space gets its own.
    QTest::keyClicks(f.host, QStringLiteral("db example"));
    QVERIFY(!f.hostError->isVisible());
    QTest::mouseClick(f.test, Qt::LeftButton);
    QVERIFY(f.hostError->isVisible());
    QVERIFY(f.hostError->text().contains(QLatin1String("spaces")));
    QVERIFY(!f.busy->isVisible()); // an invalid form starts no test

    // Certificates are only checked where they are used.
    selectSslMode(f.sslMode, QStringLiteral("require"));
    QVERIFY(!f.rootCertError->isVisible());
}

void TestConnectionDialog::testSucceedsWithRightPassword() {
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    fillServer(f, test::TestPostgres::instance().password());

    QTest::mouseClick(f.test, Qt::LeftButton);
    QVERIFY(!f.test->isEnabled());
    QVERIFY(f.busy->isVisible());
    QVERIFY(f.cancelTest->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(f.test->isEnabled(), kTestTimeoutMs);
    QVERIFY2(f.result->text().contains(QLatin1String("PostgreSQL 15")),
             qPrintable(f.result->text()));
    QVERIFY(!f.busy->isVisible());
    QVERIFY(!f.cancelTest->isVisible());

    const QString dir = qEnvironmentVariable("QUIVER_BINARY_DIR", QDir::currentPath()) +
                        QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QCoreApplication::processEvents();
    QVERIFY(dialog.grab().save(dir + QStringLiteral("/connection_dialog.png")));
}

void TestConnectionDialog::testFailsWithWrongPassword() {
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    fillServer(f, QStringLiteral("not-the-password"));

    QTest::mouseClick(f.test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.test->isEnabled(), kTestTimeoutMs);
    const QString text = f.result->text();
    QVERIFY2(text.contains(test::TestPostgres::instance().passwordUser()), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("PostgreSQL 15")), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("not-the-password")), qPrintable(text));
}

void TestConnectionDialog::testVerifyFullWithRootCertificate() {
    const auto& pg = test::TestPostgres::instance();
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    fillServer(f, pg.password());
    setText(f.host, QStringLiteral("localhost"));
    selectSslMode(f.sslMode, QStringLiteral("verify-full"));

    setText(f.rootCert, pg.rootCertPath());
    QTest::mouseClick(f.test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.test->isEnabled(), kTestTimeoutMs);
    QVERIFY2(f.result->text().contains(QLatin1String("PostgreSQL 15")),
             qPrintable(f.result->text()));

    // A certificate from another authority must be refused.
    setText(f.rootCert, pg.otherCaPath());
    QTest::mouseClick(f.test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.test->isEnabled(), kTestTimeoutMs);
    QVERIFY2(!f.result->text().contains(QLatin1String("PostgreSQL 15")),
             qPrintable(f.result->text()));
}

void TestConnectionDialog::testCanBeCancelled() {
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    fillServer(f, test::TestPostgres::instance().password());

    QTest::mouseClick(f.test, Qt::LeftButton);
    QVERIFY(f.cancelTest->isVisible());
    QTest::mouseClick(f.cancelTest, Qt::LeftButton);
    QVERIFY(f.test->isEnabled());
    QVERIFY(!f.busy->isVisible());
    QVERIFY(!f.cancelTest->isVisible());
    QCOMPARE(f.result->text(), QStringLiteral("Test cancelled."));

    // The cancelled attempt's answer is dropped; a new test reports normally.
    QTest::mouseClick(f.test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.test->isEnabled(), kTestTimeoutMs);
    QVERIFY2(f.result->text().contains(QLatin1String("PostgreSQL 15")),
             qPrintable(f.result->text()));
}

void TestConnectionDialog::savingKeepsPasswordOutOfSettings() {
    const auto& pg = test::TestPostgres::instance();
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    fillServer(f, pg.password());
    QSignalSpy accepted(&dialog, &QDialog::accepted);

    QTest::mouseClick(f.ok, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, kTestTimeoutMs);

    const ConnectionSettings saved = ConnectionSettings::load(QSettings());
    QCOMPARE(saved.mode, ConnectionSettings::Mode::Server);
    QCOMPARE(saved.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(saved.port, pg.port());
    QCOMPARE(saved.user, pg.passwordUser());
    QCOMPARE(saved.sslMode, QStringLiteral("require"));
    QCOMPARE(dialog.target().source, DatabaseTarget::Source::Settings);
    QCOMPARE(dialog.target().settings, saved);

    QFile file(QSettings().fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    QVERIFY(contents.contains(pg.passwordUser().toUtf8())); // the file is the right one
    QVERIFY(!contents.contains(pg.password().toUtf8()));
    QVERIFY(!contents.toLower().contains("password"));

    const auto secret = readSecret(saved.keychainKey());
    QVERIFY(secret.has_value());
    QVERIFY2(secret->ok, qPrintable(secret->error));
    QCOMPARE(secret->value, pg.password());
}

void TestConnectionDialog::reopeningKeepsStoredPassword() {
    const auto& pg = test::TestPostgres::instance();
    {
        ConnectionDialog first;
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        Fields f(first);
        fillServer(f, pg.password());
        QSignalSpy accepted(&first, &QDialog::accepted);
        QTest::mouseClick(f.ok, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, kTestTimeoutMs);
    }

    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    QVERIFY(f.serverRadio->isChecked());
    QCOMPARE(f.host->text(), QStringLiteral("127.0.0.1"));
    QCOMPARE(f.password->text(), QString());
    QCOMPARE(f.password->placeholderText(), QStringLiteral("stored in the keychain"));

    // An empty field tests with the stored password.
    QTest::mouseClick(f.test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.test->isEnabled(), kTestTimeoutMs);
    QVERIFY2(f.result->text().contains(QLatin1String("PostgreSQL 15")),
             qPrintable(f.result->text()));

    // Another user has no stored password: the placeholder must not claim one.
    setText(f.user, QStringLiteral("someone_else"));
    QVERIFY(f.password->placeholderText() != QStringLiteral("stored in the keychain"));
    setText(f.user, pg.passwordUser());
    QCOMPARE(f.password->placeholderText(), QStringLiteral("stored in the keychain"));

    // Saving with an empty field keeps the stored password.
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(f.ok, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, kTestTimeoutMs);
    const auto secret = readSecret(dialog.settings().keychainKey());
    QVERIFY(secret.has_value());
    QVERIFY2(secret->ok, qPrintable(secret->error));
    QCOMPARE(secret->value, pg.password());
}

void TestConnectionDialog::privateChoiceSavesPrivateMode() {
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    Fields f(dialog);
    f.serverRadio->click();
    f.privateRadio->click();
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(f.ok, Qt::LeftButton);
    QTRY_COMPARE(accepted.count(), 1);
    QCOMPARE(ConnectionSettings::load(QSettings()).mode, ConnectionSettings::Mode::Private);
    QCOMPARE(dialog.target().source, DatabaseTarget::Source::PrivateCluster);
}

QTEST_MAIN(TestConnectionDialog)
#include "tst_connection_dialog.moc"
