// Every page and dialog as assistive technology sees it: each control has a name through
// QAccessible, and Tab visits the main controls in reading order. The real widgets, on the
// offscreen platform, against the real test server and a real keychain.
#include "core/embed/embedding_profile.h"
#include "core/jobs/background_worker.h"
#include "core/jobs/job.h"
#include "core/session/database_session.h"
#include "core/session/database_target.h"
#include "tests/harness/test_postgres.h"
#include "ui/about/about_dialog.h"
#include "ui/jobs/job_dialog.h"
#include "ui/mainwindow/main_window.h"
#include "ui/settings/connection_dialog.h"
#include "ui/settings/embeddings_page.h"
#include "ui/settings/profile_editor_dialog.h"
#include "ui/settings/settings_dialog.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTest>
#include <QTextEdit>

using namespace quiver;

namespace {
// Generous: a bound on events, not on speed (a keychain call under the sanitizers on a busy
// machine can take most of D-Bus's 25 s timeout).
constexpr int kOpenTimeoutMs = 120000;

// A part of a composite control (a spin box's or a combo box's editor, an item view's
// header or cell editor, a tab bar's scroll arrows, a line edit's clear button, the menu bar's
// overflow button, a scroll area's viewport): announced as part of its owner, which is checked
// instead.
bool isPartOfAnotherControl(const QWidget* w) {
    if (const auto* area = qobject_cast<const QAbstractScrollArea*>(w->parentWidget());
        area && area->viewport() == w)
        return true;
    for (const QWidget* p = w->parentWidget(); p && !p->isWindow(); p = p->parentWidget()) {
        if (qobject_cast<const QComboBox*>(p) || qobject_cast<const QAbstractSpinBox*>(p) ||
            qobject_cast<const QAbstractItemView*>(p) || qobject_cast<const QTabBar*>(p) ||
            qobject_cast<const QLineEdit*>(p) || qobject_cast<const QMenuBar*>(p))
            return true;
    }
    return false;
}

// What a user operates: buttons, text fields, choices, lists and tables, sliders, tab bars,
// and anything else that Tab stops at. Scroll bars belong to their scroll area.
// Popups (a combo box's list) are windows of their own, checked with their owner.
bool isInteractive(const QWidget* w, const QWidget* root) {
    if (w->isWindow() || w->window() != root->window() || qobject_cast<const QScrollBar*>(w) ||
        isPartOfAnotherControl(w))
        return false;
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLineEdit*>(w) ||
           qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w) ||
           qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QAbstractSlider*>(w) ||
           qobject_cast<const QTabBar*>(w) || qobject_cast<const QTextEdit*>(w) ||
           qobject_cast<const QPlainTextEdit*>(w) || (w->focusPolicy() & Qt::TabFocus);
}

// The name a screen reader announces. On Unix Qt reports a combo box's current item as its
// name (its label travels as a relation), so a combo box counts as named only by an
// accessible name or a label.
QString accessibleName(QWidget* w) {
    QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
    if (!iface)
        return {};
    if (!qobject_cast<QComboBox*>(w))
        return iface->text(QAccessible::Name).trimmed();
    QString name = w->accessibleName().trimmed();
    for (const auto& [label, relation] : iface->relations(QAccessible::Label)) {
        if (name.isEmpty() && label)
            name = label->text(QAccessible::Name).trimmed();
    }
    return name;
}

QString accessibleDescription(QWidget* w) {
    QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
    return iface ? iface->text(QAccessible::Description).trimmed() : QString();
}

QString describe(const QWidget* w) {
    QString path;
    for (const QWidget* p = w; p; p = p->parentWidget()) {
        if (!p->objectName().isEmpty()) {
            path = p->objectName();
            break;
        }
    }
    QString what = QString::fromLatin1(w->metaObject()->className());
    if (!w->objectName().isEmpty())
        what += QStringLiteral(" \"%1\"").arg(w->objectName());
    else
        what += QStringLiteral(" (in \"%1\")").arg(path);
    if (const auto* b = qobject_cast<const QAbstractButton*>(w); b && !b->toolTip().isEmpty())
        what += QStringLiteral(" tool tip \"%1\"").arg(b->toolTip());
    return what;
}

// The interactive controls under `root`, shown or not (a hidden one is shown some time), that
// have no accessible name.
QStringList unnamedControls(QWidget* root) {
    QStringList unnamed;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (isInteractive(w, root) && accessibleName(w).isEmpty())
            unnamed.append(describe(w));
    }
    return unnamed;
}

// Tab's route through `root`: its window's focus chain from `root` on, keeping the named
// widgets under `root` that Tab stops at (hidden and disabled ones too: Tab reaches them once
// they are shown and enabled).
QStringList focusChain(QWidget* root) {
    QStringList names;
    QWidget* w = root;
    do {
        // Tab stops at the checked radio button of a group only (arrows move in the group).
        const bool tabStop = (w->focusPolicy() & Qt::TabFocus) || qobject_cast<QRadioButton*>(w);
        if (w != root && root->isAncestorOf(w) && tabStop && !w->focusProxy() &&
            !isPartOfAnotherControl(w) && !w->objectName().isEmpty())
            names.append(w->objectName());
        w = w->nextInFocusChain();
    } while (w && w != root);
    return names;
}

// Whether `chain` visits `expected` in that order (other widgets may come between).
bool visitsInOrder(const QStringList& chain, const QStringList& expected) {
    qsizetype at = 0;
    for (const QString& name : expected) {
        at = chain.indexOf(name, at);
        if (at < 0)
            return false;
        ++at;
    }
    return true;
}

QString routeMessage(const QStringList& chain, const QStringList& expected) {
    return QStringLiteral("expected, in this order: %1\nTab goes: %2")
        .arg(expected.join(QStringLiteral(" → ")), chain.join(QStringLiteral(" → ")));
}

DatabaseTarget commandLineTarget(const QString& conninfo) {
    DatabaseTarget t;
    t.source = DatabaseTarget::Source::CommandLine;
    t.conninfo = conninfo;
    return t;
}
} // namespace

#define VERIFY_ALL_NAMED(root)                                                                     \
    do {                                                                                           \
        const QStringList unnamed = unnamedControls(root);                                         \
        QVERIFY2(unnamed.isEmpty(),                                                                \
                 qPrintable(QStringLiteral("controls without an accessible name:\n  ") +           \
                            unnamed.join(QStringLiteral("\n  "))));                                \
    } while (false)

// Controls whose name alone does not say what they hold or do have a description (their own,
// or their tool tip, which Qt reports as the description).
#define VERIFY_DESCRIBED(root, ...)                                                                \
    do {                                                                                           \
        for (const char* name : {__VA_ARGS__}) {                                                   \
            auto* w = (root)->findChild<QWidget*>(QString::fromLatin1(name));                      \
            QVERIFY2(w, name);                                                                     \
            QVERIFY2(!accessibleDescription(w).isEmpty(), name);                                   \
            QVERIFY2(accessibleDescription(w) != accessibleName(w), name);                         \
        }                                                                                          \
    } while (false)

#define VERIFY_ROUTE(root, ...)                                                                    \
    do {                                                                                           \
        const QStringList expected{__VA_ARGS__};                                                   \
        const QStringList chain = focusChain(root);                                                \
        QVERIFY2(visitsInOrder(chain, expected), qPrintable(routeMessage(chain, expected)));       \
    } while (false)

class TestAccessibility : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void mainWindowIsNamed();
    void mainWindowTabOrder();
    void searchPageTabGoesBoxFiltersResults();
    void settingsAndEmbeddingsAreNamed();
    void connectionDialogIsNamed();
    void profileEditorIsNamed();
    void jobDialogIsNamed();
    void aboutDialogIsNamed();

private:
    QString m_conninfo;
};

void TestAccessibility::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuiverTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_accessibility"));
    QVERIFY2(QSettings().fileName().contains(QLatin1String(".qttest")),
             qPrintable(QSettings().fileName()));
    m_conninfo = test::TestPostgres::instance().createDatabase(QStringLiteral("a11y"));
}

void TestAccessibility::cleanupTestCase() {
    test::TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestAccessibility::init() {
    QSettings().clear();
}

// The frame (sidebar, status bar) and the four pages, each page's hidden parts included.
void TestAccessibility::mainWindowIsNamed() {
    BackgroundWorker worker; // never started: only its status widget is looked at
    DatabaseSession session;
    MainWindow window(&session);
    window.setBackgroundWorker(&worker);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto* pages = window.findChild<QStackedWidget*>(QStringLiteral("pages"));
    QVERIFY(pages && pages->count() == 4);
    VERIFY_ALL_NAMED(&window);
    VERIFY_DESCRIBED(&window, "sidebar", "connectionSettingsButton", "trashButton", "libraryView",
                     "trashView", "importResults", "searchQueryEdit", "searchModeCombo",
                     "searchCollectionCombo", "searchTypeCombo", "searchImportedCombo",
                     "searchResultsView", "jobsTable", "backlogTable", "historyTable",
                     "workersTable", "failedTable", "throughputChart", "mapColouringCombo",
                     "mapRedrawButton", "mapView");
}

// The sidebar, then each page from its top: Library, Map, Jobs (Search: see below).
void TestAccessibility::mainWindowTabOrder() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    VERIFY_ROUTE(&window, QStringLiteral("sidebar"), QStringLiteral("trashButton"),
                 QStringLiteral("libraryFilter"), QStringLiteral("showInFolderButton"),
                 QStringLiteral("deleteDocumentsButton"), QStringLiteral("libraryView"),
                 QStringLiteral("searchQueryEdit"));
    auto* library = window.findChild<QWidget*>(QStringLiteral("libraryPage"));
    QVERIFY(library);
    VERIFY_ROUTE(library, QStringLiteral("restoreDocumentsButton"),
                 QStringLiteral("emptyTrashButton"), QStringLiteral("trashView"));
    auto* map = window.findChild<QWidget*>(QStringLiteral("mapPage"));
    QVERIFY(map);
    VERIFY_ROUTE(map, QStringLiteral("mapColouringCombo"), QStringLiteral("mapRedrawButton"),
                 QStringLiteral("mapView"));
    auto* jobs = window.findChild<QWidget*>(QStringLiteral("jobsPage"));
    QVERIFY(jobs);
    VERIFY_ROUTE(jobs, QStringLiteral("qt_tabwidget_tabbar"), QStringLiteral("jobsTable"),
                 QStringLiteral("addJobButton"), QStringLiteral("editJobButton"),
                 QStringLiteral("pauseJobButton"), QStringLiteral("resumeJobButton"),
                 QStringLiteral("runJobButton"), QStringLiteral("deleteJobButton"));
    VERIFY_ROUTE(jobs, QStringLiteral("failedTable"), QStringLiteral("retryFailedButton"),
                 QStringLiteral("retryAllFailedButton"));
}

// Search: the box, its mode, the filters, then the results and what acts on the one shown.
// Pressed for real once a database is open (the controls are disabled before).
void TestAccessibility::searchPageTabGoesBoxFiltersResults() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QSignalSpy opened(&session, &DatabaseSession::opened);
    QSignalSpy failed(&session, &DatabaseSession::failed);
    session.open(commandLineTarget(m_conninfo));
    QVERIFY2(opened.wait(kOpenTimeoutMs),
             failed.isEmpty() ? "timed out" : qPrintable(failed.first().first().toString()));
    auto* search = window.findChild<QWidget*>(QStringLiteral("searchPage"));
    auto* query = window.findChild<QLineEdit*>(QStringLiteral("searchQueryEdit"));
    QVERIFY(search && query);
    QTRY_VERIFY_WITH_TIMEOUT(query->isEnabled(), kOpenTimeoutMs);

    const QStringList filters{
        QStringLiteral("searchModeCombo"), QStringLiteral("searchCollectionCombo"),
        QStringLiteral("searchTypeCombo"), QStringLiteral("searchImportedCombo")};
    VERIFY_ROUTE(search, QStringLiteral("searchQueryEdit"), filters[0], filters[1], filters[2],
                 filters[3], QStringLiteral("searchResultsView"),
                 QStringLiteral("searchPreviewOpen"), QStringLiteral("searchPreviewCopy"),
                 QStringLiteral("searchPreviewShowInFolder"));

    window.showPage(MainWindow::Page::Search);
    QTRY_VERIFY(query->hasFocus());
    for (const QString& next : filters) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QTRY_COMPARE(QApplication::focusWidget() ? QApplication::focusWidget()->objectName()
                                                 : QString(),
                     next);
    }
}

// Settings with its Embeddings section on a real database.
void TestAccessibility::settingsAndEmbeddingsAreNamed() {
    SettingsDialog dialog(commandLineTarget(m_conninfo));
    auto* page = dialog.findChild<EmbeddingsPage*>();
    QVERIFY(page);
    QSignalSpy shown(page, &EmbeddingsPage::profilesShown);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(shown.wait(kOpenTimeoutMs));
    VERIFY_ALL_NAMED(&dialog);
    VERIFY_DESCRIBED(&dialog, "profilesView", "defaultProfileButton", "testProfileButton",
                     "approveOriginButton");
    VERIFY_ROUTE(&dialog, QStringLiteral("openConnectionDialogButton"),
                 QStringLiteral("profilesView"), QStringLiteral("addProfileButton"),
                 QStringLiteral("editProfileButton"), QStringLiteral("removeProfileButton"),
                 QStringLiteral("defaultProfileButton"), QStringLiteral("testProfileButton"),
                 QStringLiteral("approveOriginButton"));

    SettingsDialog closed(QStringLiteral("no database"));
    VERIFY_ALL_NAMED(&closed);
}

void TestAccessibility::connectionDialogIsNamed() {
    ConnectionDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    VERIFY_ALL_NAMED(&dialog);
    VERIFY_DESCRIBED(&dialog, "hostEdit", "sslModeCombo", "rootCertEdit");
    VERIFY_ROUTE(&dialog, QStringLiteral("privateRadio"), QStringLiteral("serverRadio"),
                 QStringLiteral("hostEdit"), QStringLiteral("portSpin"),
                 QStringLiteral("databaseEdit"), QStringLiteral("userEdit"),
                 QStringLiteral("passwordEdit"), QStringLiteral("sslModeCombo"),
                 QStringLiteral("rootCertEdit"), QStringLiteral("rootCertBrowseButton"),
                 QStringLiteral("testButton"));
}

void TestAccessibility::profileEditorIsNamed() {
    ProfileEditorDialog dialog(EmbeddingProfile{}, false);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    VERIFY_ALL_NAMED(&dialog);
    VERIFY_ROUTE(&dialog, QStringLiteral("profileNameEdit"), QStringLiteral("profileKindCombo"),
                 QStringLiteral("profileBaseUrlEdit"), QStringLiteral("profileModelEdit"),
                 QStringLiteral("profileDimensionsSpin"), QStringLiteral("profileBatchSpin"),
                 QStringLiteral("profileConcurrencySpin"), QStringLiteral("profileRpmSpin"),
                 QStringLiteral("profileTpmSpin"), QStringLiteral("profileKeyEdit"),
                 QStringLiteral("profileOkButton"));
}

void TestAccessibility::jobDialogIsNamed() {
    JobDialog dialog(Job{});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    VERIFY_ALL_NAMED(&dialog);
    VERIFY_DESCRIBED(&dialog, "jobInterval", "jobRetryPeriod");
    VERIFY_ROUTE(&dialog, QStringLiteral("jobName"), QStringLiteral("jobProc"),
                 QStringLiteral("jobProfile"), QStringLiteral("jobInterval"),
                 QStringLiteral("jobFixed"), QStringLiteral("jobMaxRetries"),
                 QStringLiteral("jobRetryPeriod"), QStringLiteral("jobScheduled"));
}

void TestAccessibility::aboutDialogIsNamed() {
    AboutDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    VERIFY_ALL_NAMED(&dialog);
}

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
