// Settings ▸ Embeddings: the real page on the offscreen platform, against the real test
// PostgreSQL server, a real Secret Service (gnome-keyring) and the fake embeddings server.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/approved_origins.h"
#include "core/embed/embedding_profile.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_target.h"
#include "tests/harness/fake_embeddings_server.h"
#include "tests/harness/moved_key_profile.h"
#include "tests/harness/test_postgres.h"
#include "ui/settings/embeddings_page.h"
#include "ui/settings/profile_editor_dialog.h"
#include "ui/settings/profile_list_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

using namespace quiver;
using quiver::test::FakeEmbeddingsConfig;
using quiver::test::FakeEmbeddingsServer;
using quiver::test::TestPostgres;

namespace {
template <typename T>
T* child(QObject* parent, const char* name) {
    return parent->findChild<T*>(QString::fromLatin1(name));
}
} // namespace

class TestEmbeddingsPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsTheDatabaseProfiles();
    void addWithKeyThenTest();
    void testReportsTheServersError();
    void makeDefaultAndRemove();
    void addressChangedInTheDatabaseWaitsForApproval();

private:
    ProfileEditorDialog* openEditorWith(EmbeddingsPage& page, const char* button);
    void select(EmbeddingsPage& page, const QString& name);

    QString m_db;
    DatabaseTarget m_target;
    std::unique_ptr<FakeEmbeddingsServer> m_server;
    const QString m_key = QStringLiteral("sk-gui-test-key-31337");
};

void TestEmbeddingsPage::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    m_db = TestPostgres::instance().createDatabase(QStringLiteral("embpage"));
    m_target.source = DatabaseTarget::Source::CommandLine;
    m_target.conninfo = m_db;
    FakeEmbeddingsConfig c;
    c.requiredKey = m_key;
    c.dimensions = 24;
    c.latencyMs = 150; // the GUI must stay responsive meanwhile
    m_server = std::make_unique<FakeEmbeddingsServer>(c);
}

void TestEmbeddingsPage::cleanupTestCase() {
    m_server.reset();
    TestPostgres::instance().dropDatabase(m_db);
}

ProfileEditorDialog* TestEmbeddingsPage::openEditorWith(EmbeddingsPage& page, const char* button) {
    QTest::mouseClick(child<QPushButton>(&page, button), Qt::LeftButton);
    return page.findChild<ProfileEditorDialog*>();
}

void TestEmbeddingsPage::select(EmbeddingsPage& page, const QString& name) {
    auto* view = child<QTableView>(&page, "profilesView");
    view->selectRow(page.model()->rowOf(name));
}

void TestEmbeddingsPage::listsTheDatabaseProfiles() {
    EmbeddingsPage page(m_target);
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy shown(&page, &EmbeddingsPage::profilesShown);
    page.show();
    QVERIFY(shown.wait(20000));
    QCOMPARE(page.model()->rowCount(), 2);
    const int local = page.model()->rowOf(QStringLiteral("local"));
    QVERIFY(local >= 0);
    QCOMPARE(page.model()->index(local, ProfileListModel::Default).data().toString(),
             QStringLiteral("default"));
    QCOMPARE(page.model()->index(local, ProfileListModel::Key).data().toString(),
             QStringLiteral("not needed"));
}

void TestEmbeddingsPage::addWithKeyThenTest() {
    EmbeddingsPage page(m_target);
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy shown(&page, &EmbeddingsPage::profilesShown);
    page.show();
    QVERIFY(shown.wait(20000));

    ProfileEditorDialog* dialog = openEditorWith(page, "addProfileButton");
    QVERIFY(dialog);
    auto* ok = child<QPushButton>(dialog, "profileOkButton");
    auto* kind = child<QComboBox>(dialog, "profileKindCombo");
    kind->setCurrentIndex(kind->findData(QStringLiteral("openai-compatible")));
    QVERIFY(!ok->isEnabled()); // no name, no base URL yet
    QTest::keyClicks(child<QLineEdit>(dialog, "profileNameEdit"), QStringLiteral("gui-fake"));
    QTest::keyClicks(child<QLineEdit>(dialog, "profileBaseUrlEdit"), m_server->baseUrl());
    child<QLineEdit>(dialog, "profileModelEdit")->setText(QStringLiteral("fake-model"));
    child<QSpinBox>(dialog, "profileDimensionsSpin")->setValue(24);
    auto* keyEdit = child<QLineEdit>(dialog, "profileKeyEdit");
    QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
    QTest::keyClicks(keyEdit, m_key);
    QVERIFY2(ok->isEnabled(), qPrintable(child<QLabel>(dialog, "profileProblemLabel")->text()));
    QTest::mouseClick(ok, Qt::LeftButton);

    // Saved, then the key stored: the list shows only that a key is stored.
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowOf(QStringLiteral("gui-fake")) >= 0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        page.model()
            ->index(page.model()->rowOf(QStringLiteral("gui-fake")), ProfileListModel::Key)
            .data()
            .toString(),
        QStringLiteral("stored"), 20000);
    const SecretResult stored =
        SecretStore().read(EmbeddingProfile::keychainKeyFor(QStringLiteral("gui-fake")));
    QVERIFY(stored.ok);
    QCOMPARE(stored.value, m_key);

    // Editing shows an empty key field that says a key is stored.
    select(page, QStringLiteral("gui-fake"));
    dialog = openEditorWith(page, "editProfileButton");
    QVERIFY(dialog);
    QVERIFY(child<QLineEdit>(dialog, "profileKeyEdit")->text().isEmpty());
    QCOMPARE(child<QLabel>(dialog, "profileKeyStateLabel")->text(), QStringLiteral("stored"));
    dialog->reject();

    // Test: embeds one sentence on the service's thread; the GUI thread keeps running.
    select(page, QStringLiteral("gui-fake"));
    const int before = m_server->stats().requests;
    auto* status = child<QLabel>(&page, "embeddingsStatusLabel");
    QTest::mouseClick(child<QPushButton>(&page, "testProfileButton"), Qt::LeftButton);
    QVERIFY(status->text().startsWith(QStringLiteral("Testing"))); // returned at once
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("24 dimensions")), 20000);
    QVERIFY(status->text().contains(QStringLiteral(" ms")));
    QCOMPARE(m_server->stats().requests, before + 1);
    QCOMPARE(m_server->stats().authorizations.last(), "Bearer " + m_key.toUtf8());
    for (QLabel* label : page.findChildren<QLabel*>())
        QVERIFY(!label->text().contains(m_key));
}

void TestEmbeddingsPage::testReportsTheServersError() {
    EmbeddingsPage page(m_target);
    QSignalSpy shown(&page, &EmbeddingsPage::profilesShown);
    page.show();
    QVERIFY(shown.wait(20000));
    ProfileEditorDialog* dialog = openEditorWith(page, "addProfileButton");
    auto* kind = child<QComboBox>(dialog, "profileKindCombo");
    kind->setCurrentIndex(kind->findData(QStringLiteral("openai-compatible")));
    QTest::keyClicks(child<QLineEdit>(dialog, "profileNameEdit"), QStringLiteral("no-key"));
    QTest::keyClicks(child<QLineEdit>(dialog, "profileBaseUrlEdit"), m_server->baseUrl());
    child<QLineEdit>(dialog, "profileModelEdit")->setText(QStringLiteral("fake-model"));
    QTest::mouseClick(child<QPushButton>(dialog, "profileOkButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowOf(QStringLiteral("no-key")) >= 0, 20000);
    select(page, QStringLiteral("no-key"));
    auto* status = child<QLabel>(&page, "embeddingsStatusLabel");
    QTest::mouseClick(child<QPushButton>(&page, "testProfileButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("401")), 20000);
    QVERIFY(status->text().contains(QStringLiteral("no-key")));
}

void TestEmbeddingsPage::makeDefaultAndRemove() {
    EmbeddingsPage page(m_target);
    QSignalSpy shown(&page, &EmbeddingsPage::profilesShown);
    page.show();
    QVERIFY(shown.wait(20000));
    auto* status = child<QLabel>(&page, "embeddingsStatusLabel");
    select(page, QStringLiteral("local"));
    QTest::mouseClick(child<QPushButton>(&page, "removeProfileButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("default")), 20000);
    QVERIFY(page.model()->rowOf(QStringLiteral("local")) >= 0); // nothing lost

    select(page, QStringLiteral("lexical"));
    QTest::mouseClick(child<QPushButton>(&page, "defaultProfileButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(
        page.model()
            ->index(page.model()->rowOf(QStringLiteral("lexical")), ProfileListModel::Default)
            .data()
            .toString(),
        QStringLiteral("default"), 20000);
    select(page, QStringLiteral("local"));
    QTest::mouseClick(child<QPushButton>(&page, "removeProfileButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowOf(QStringLiteral("local")), -1, 20000);
}

// The database points a keyed profile at another server: the page says the new address is not
// approved, Test sends nothing there, and Approve (confirmed in a dialog naming the address)
// lets the key go.
void TestEmbeddingsPage::addressChangedInTheDatabaseWaitsForApproval() {
    FakeEmbeddingsConfig c;
    c.dimensions = 24;
    FakeEmbeddingsServer other(c); // takes any key, and records it
    {
        PgConnection conn = PgConnection::open(m_db);
        Migrations::apply(conn);
        QVERIFY(test::addKeyedProfileThenMoveIt(conn, QStringLiteral("moved"), 24, m_key,
                                                m_server->baseUrl(), other.baseUrl()));
    }
    EmbeddingsPage page(m_target);
    QSignalSpy shown(&page, &EmbeddingsPage::profilesShown);
    page.show();
    QVERIFY(shown.wait(20000));
    const auto keyCell = [&page]() {
        return page.model()
            ->index(page.model()->rowOf(QStringLiteral("moved")), ProfileListModel::Key)
            .data()
            .toString();
    };
    QCOMPARE(keyCell(), QStringLiteral("stored, new address not approved"));
    auto* approve = child<QPushButton>(&page, "approveOriginButton");
    select(page, QStringLiteral("local"));
    QVERIFY(!approve->isEnabled());
    select(page, QStringLiteral("moved"));
    QVERIFY(approve->isEnabled());

    auto* status = child<QLabel>(&page, "embeddingsStatusLabel");
    QTest::mouseClick(child<QPushButton>(&page, "testProfileButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("key approve moved")), 20000);
    QCOMPARE(other.stats().requests, 0);

    QTest::mouseClick(approve, Qt::LeftButton);
    auto* box = page.findChild<QMessageBox*>(QStringLiteral("approveOriginDialog"));
    QVERIFY(box);
    const QString origin = QStringLiteral("http://127.0.0.1:%1").arg(other.port());
    QVERIFY2(box->text().contains(origin), qPrintable(box->text()));
    QTest::mouseClick(child<QPushButton>(box, "approveOriginConfirmButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(keyCell(), QStringLiteral("stored"), 20000);
    QCOMPARE(ApprovedOrigins().approvedFor(QStringLiteral("moved")), origin);

    select(page, QStringLiteral("moved"));
    QTest::mouseClick(child<QPushButton>(&page, "testProfileButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("24 dimensions")), 20000);
    QCOMPARE(other.stats().authorizations.last(), "Bearer " + m_key.toUtf8());
}

QTEST_MAIN(TestEmbeddingsPage)
#include "tst_embeddings_page.moc"
