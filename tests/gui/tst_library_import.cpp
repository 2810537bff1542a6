// Drops a folder on the real MainWindow (a real QDropEvent with file URLs), with a real
// DatabaseSession on the shared test server, and watches the documents appear in the Library.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/profile_repository.h"
#include "core/ingest/background_import.h"
#include "core/jobs/background_worker.h"
#include "core/session/database_session.h"
#include "tests/harness/test_postgres.h"
#include "ui/library/library_model.h"
#include "ui/library/library_page.h"
#include "ui/mainwindow/main_window.h"
#include "ui/mainwindow/worker_status_widget.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace quiver;

namespace {
constexpr int kTimeoutMs = 60000;

template <typename T>
T* child(QObject* parent, const char* name) {
    return parent->findChild<T*>(QString::fromLatin1(name));
}

void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// Opens the session on the database and waits until it is open.
bool openOn(DatabaseSession& session, const QString& conninfo) {
    QSignalSpy opened(&session, &DatabaseSession::opened);
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = conninfo;
    session.open(target);
    return opened.wait(kTimeoutMs);
}

QModelIndex findTitle(const QAbstractItemModel* model, const QString& title,
                      const QModelIndex& parent = {}) {
    for (int r = 0; r < model->rowCount(parent); ++r) {
        const QModelIndex i = model->index(r, 0, parent);
        if (i.data().toString() == title)
            return i;
        if (const QModelIndex found = findTitle(model, title, i); found.isValid())
            return found;
    }
    return {};
}
} // namespace

class TestLibraryImport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        m_conninfo = test::TestPostgres::instance().createDatabase(QStringLiteral("gui_import"));
    }
    void cleanupTestCase() { test::TestPostgres::instance().dropDatabase(m_conninfo); }
    void dropFolderImportsAndDeleteRemoves();
    void cancelStopsWithinASecond();
    void watchedFolderFollowsChanges();
    void libraryErrorsReachTheUser();
    void watchedFolderAsksBeforeMassRemoval();
    void libraryFollowsEmbeddingAndStatusBarSettles();
    void libraryFollowsOtherPrograms();

private:
    QString m_conninfo;
};

void TestLibraryImport::dropFolderImportsAndDeleteRemoves() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QSignalSpy opened(&session, &DatabaseSession::opened);
    DatabaseTarget target;
    target.source = DatabaseTarget::Source::CommandLine;
    target.conninfo = m_conninfo;
    session.open(target);
    QVERIFY(opened.wait(kTimeoutMs));
    auto* page = child<QWidget>(&window, "libraryPage");
    QVERIFY(page);
    auto* view = child<QTreeView>(page, "libraryView");
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);

    QTemporaryDir tmp;
    const QString folder = tmp.filePath(QStringLiteral("Dropped Notes"));
    QVERIFY(QDir().mkpath(folder));
    write(folder + QStringLiteral("/one.md"), "# First Note\n\nAbout apples.");
    write(folder + QStringLiteral("/two.txt"), "Second note about pears.");
    write(folder + QStringLiteral("/three.html"), "<title>Third Note</title><p>Plums.</p>");
    write(folder + QStringLiteral("/empty.txt"), "");

    // A remote URL is not accepted as a drop; local files are, and light up the window.
    QMimeData remote;
    remote.setUrls({QUrl(QStringLiteral("https://example.org/a.pdf"))});
    QDragEnterEvent refused(QPoint(200, 200), Qt::CopyAction, &remote, Qt::LeftButton,
                            Qt::NoModifier);
    QApplication::sendEvent(&window, &refused);
    QVERIFY(!refused.isAccepted());
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(folder)});
    QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    auto* highlight = child<QWidget>(&window, "dropHighlight");
    QVERIFY(highlight && highlight->isVisible());
    QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(!highlight->isVisible());

    // Progress is shown and finishes; every file has its result line.
    auto* progress = child<QProgressBar>(page, "importProgress");
    auto* results = child<QListWidget>(page, "importResults");
    auto* statusBar = child<QProgressBar>(&window, "statusImportProgress");
    QVERIFY(progress && results && statusBar);
    QTRY_VERIFY_WITH_TIMEOUT(results->count() == 4, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(progress->value(), progress->maximum(), kTimeoutMs);
    QCOMPARE(statusBar->value(), statusBar->maximum());
    // Finished: no bar and no Cancel are left behind, on the page or in the status bar.
    QVERIFY(!progress->isVisible());
    QVERIFY(!child<QPushButton>(page, "cancelImportButton")->isVisible());
    QVERIFY(!statusBar->isVisible());
    QVERIFY(!child<QToolButton>(&window, "statusCancelImport")->isVisible());
    QCOMPARE(child<QLabel>(&window, "statusImportText")->text(),
             QStringLiteral("Imported 3 file(s)"));
    QVERIFY(
        child<QLabel>(page, "importProgressLabel")->text().contains(QLatin1String("3 imported")));
    QVERIFY(!results->findItems(QStringLiteral("empty.txt: skipped"), Qt::MatchContains).isEmpty());

    // The documents appear in the Library view under the folder's collection.
    QTRY_VERIFY_WITH_TIMEOUT(findTitle(view->model(), QStringLiteral("Third Note")).isValid(),
                             kTimeoutMs);
    const QModelIndex first = findTitle(view->model(), QStringLiteral("First Note"));
    QVERIFY(first.isValid());
    QVERIFY(first.parent().data().toString().startsWith(QLatin1String("Dropped Notes")));
    QCOMPARE(view->model()->rowCount(first.parent()), 3);

    // The filter box narrows the list.
    auto* filter = child<QLineEdit>(page, "libraryFilter");
    QTest::keyClicks(filter, QStringLiteral("third"));
    QCOMPARE(view->model()->rowCount(view->model()->index(0, 0)), 1);
    filter->clear();

    // Delete, confirmed, removes the document and its chunks.
    const QModelIndex second = findTitle(view->model(), QStringLiteral("two"));
    QVERIFY(second.isValid());
    view->selectionModel()->select(second,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    auto* del = child<QPushButton>(page, "deleteDocumentsButton");
    QVERIFY(del->isEnabled());
    QTest::mouseClick(del, Qt::LeftButton);
    auto* confirm = child<QMessageBox>(&window, "deleteConfirmation");
    QVERIFY(confirm);
    QTest::mouseClick(child<QPushButton>(confirm, "confirmDeleteButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!findTitle(view->model(), QStringLiteral("two")).isValid(),
                             kTimeoutMs);
    PgConnection conn = PgConnection::open(m_conninfo);
    QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM quiver.documents")).toInt64(0, 0), 2);
    QCOMPARE(conn.exec(QStringLiteral(
                           "SELECT count(*) FROM quiver.chunks c LEFT JOIN quiver.documents d "
                           "ON d.id = c.document_id WHERE d.id IS NULL"))
                 .toInt64(0, 0),
             0);

    // It waits in the trash with its passages, and Restore puts it back.
    QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM quiver.trash_chunks")).toInt64(0, 0),
             1);
    auto* trashButton = child<QPushButton>(page, "trashButton");
    QVERIFY(trashButton);
    QTRY_COMPARE_WITH_TIMEOUT(trashButton->text(), QStringLiteral("Trash (1)"), kTimeoutMs);
    QTest::mouseClick(trashButton, Qt::LeftButton);
    auto* trashView = child<QTreeView>(page, "trashView");
    QVERIFY(trashView && trashView->isVisible());
    QAbstractItemModelTester trashTester(trashView->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(trashView->model()->rowCount(), 1);
    QCOMPARE(trashView->model()->index(0, 0).data().toString(), QStringLiteral("two"));
    QCOMPARE(trashView->model()->index(0, 5).data().toString(),
             QStringLiteral("deleted in the Library"));
    auto* restore = child<QPushButton>(page, "restoreDocumentsButton");
    QVERIFY(!restore->isEnabled());
    trashView->selectionModel()->select(trashView->model()->index(0, 0),
                                        QItemSelectionModel::ClearAndSelect |
                                            QItemSelectionModel::Rows);
    QVERIFY(restore->isEnabled());
    QTest::mouseClick(restore, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(trashView->model()->rowCount(), 0, kTimeoutMs);
    QCOMPARE(trashButton->text(), QStringLiteral("Trash"));
    QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM quiver.documents")).toInt64(0, 0), 3);
    QTest::mouseClick(trashButton, Qt::LeftButton);
    QVERIFY(view->isVisible());
    QVERIFY(findTitle(view->model(), QStringLiteral("two")).isValid());
}

void TestLibraryImport::libraryErrorsReachTheUser() {
    DatabaseSession session;
    MainWindow window(&session);
    window.show();
    QVERIFY(openOn(session, m_conninfo));
    const DatabaseTarget target = session.target();
    auto* page = window.findChild<LibraryPage*>(QStringLiteral("libraryPage"));
    QVERIFY(page);
    auto* error = child<QLabel>(page, "libraryError");
    QVERIFY(error);
    QVERIFY(error->isHidden());
    // The database is gone when the page reads it: the page says so instead of keeping quiet.
    DatabaseTarget gone = target;
    gone.conninfo =
        test::TestPostgres::instance().superuserConninfo(QStringLiteral("quiver_no_such_db"));
    page->setDatabase(gone);
    QTRY_VERIFY_WITH_TIMEOUT(!error->isHidden(), kTimeoutMs);
    QVERIFY2(error->text().startsWith(QLatin1String("The library could not be read")),
             qPrintable(error->text()));
    // Back on a database that answers, the message goes.
    page->setDatabase(target);
    QTRY_VERIFY_WITH_TIMEOUT(error->isHidden(), kTimeoutMs);
}

void TestLibraryImport::watchedFolderAsksBeforeMassRemoval() {
    const QString conninfo =
        test::TestPostgres::instance().createDatabase(QStringLiteral("gui_mass"));
    {
        DatabaseSession session;
        MainWindow window(&session);
        QVERIFY(openOn(session, conninfo));

        QTemporaryDir tmp;
        const QString folder = tmp.filePath(QStringLiteral("Bulk"));
        QVERIFY(QDir().mkpath(folder));
        for (int i = 0; i < 12; ++i)
            write(folder + QStringLiteral("/n%1.txt").arg(i),
                  QStringLiteral("Note %1 of the bulk folder.").arg(i).toUtf8());
        QSignalSpy finished(window.backgroundImport(), &BackgroundImport::finished);
        window.watchFolder(folder);
        QVERIFY(finished.wait(kTimeoutMs));
        PgConnection conn = PgConnection::open(conninfo);
        const auto documents = [&conn]() {
            return conn.exec(QStringLiteral("SELECT count(*) FROM quiver.documents")).toInt64(0, 0);
        };
        QCOMPARE(documents(), 12);

        // Eleven of twelve files vanish (a sync client, a half-copied disk): Quiver asks.
        for (int i = 1; i < 12; ++i)
            QVERIFY(QFile::remove(folder + QStringLiteral("/n%1.txt").arg(i)));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.findChild<QMessageBox*>(QStringLiteral("massRemovalConfirmation")), kTimeoutMs);
        auto* question = window.findChild<QMessageBox*>(QStringLiteral("massRemovalConfirmation"));
        QVERIFY2(question->text().contains(QLatin1String("11 document(s)")),
                 qPrintable(question->text()));
        QCOMPARE(documents(), 12);
        QTest::mouseClick(child<QPushButton>(question, "confirmMassRemovalButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(documents(), 1, kTimeoutMs);
        QCOMPARE(
            conn.exec(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")).toInt64(0, 0),
            11);
        QSettings().remove(QStringLiteral("import/watchFolders"));
        QSettings().remove(QStringLiteral("import/rootIdentities"));
    }
    test::TestPostgres::instance().dropDatabase(conninfo);
}

void TestLibraryImport::cancelStopsWithinASecond() {
    const QString conninfo =
        test::TestPostgres::instance().createDatabase(QStringLiteral("gui_cancel"));
    {
        DatabaseSession session;
        MainWindow window(&session);
        window.show();
        QSignalSpy opened(&session, &DatabaseSession::opened);
        DatabaseTarget target;
        target.source = DatabaseTarget::Source::CommandLine;
        target.conninfo = conninfo;
        session.open(target);
        QVERIFY(opened.wait(kTimeoutMs));

        QTemporaryDir tmp;
        const QString folder = tmp.filePath(QStringLiteral("Many"));
        QVERIFY(QDir().mkpath(folder));
        // ~16 KB each (~120,000 chunks in all): enough that the import is still running when
        // its first progress reaches the window, however fast the machine imports.
        for (int i = 0; i < 3000; ++i)
            write(folder + QStringLiteral("/n%1.txt").arg(i),
                  QStringLiteral("Note %1 with a few words of text in it. ")
                      .arg(i)
                      .repeated(400)
                      .toUtf8());
        BackgroundImport* import = window.backgroundImport();
        QSignalSpy progress(import, &BackgroundImport::progress);
        QSignalSpy finished(import, &BackgroundImport::finished);
        window.importPaths({folder});
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() &&
                                     progress.last().first().value<ImportProgress>().filesDone > 0,
                                 kTimeoutMs);
        QVERIFY(finished.isEmpty());
        auto* cancel = child<QPushButton>(&window, "cancelImportButton");
        QVERIFY(cancel && cancel->isEnabled());
        QElapsedTimer sinceClick;
        sinceClick.start();
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY2(sinceClick.elapsed() < 1000, qPrintable(QString::number(sinceClick.elapsed())));
        const ImportSummary s = finished.first().first().value<ImportSummary>();
        QVERIFY(s.cancelled);
        QVERIFY(s.imported < 3000);
        QVERIFY(child<QLabel>(&window, "importProgressLabel")
                    ->text()
                    .startsWith(QLatin1String("Cancelled")));
        // What was committed stays.
        PgConnection conn = PgConnection::open(conninfo);
        QCOMPARE(conn.exec(QStringLiteral("SELECT count(*) FROM quiver.documents")).toInt64(0, 0),
                 s.imported);
    }
    test::TestPostgres::instance().dropDatabase(conninfo);
}

void TestLibraryImport::watchedFolderFollowsChanges() {
    const QString conninfo =
        test::TestPostgres::instance().createDatabase(QStringLiteral("gui_watch"));
    {
        DatabaseSession session;
        MainWindow window(&session);
        QSignalSpy opened(&session, &DatabaseSession::opened);
        DatabaseTarget target;
        target.source = DatabaseTarget::Source::CommandLine;
        target.conninfo = conninfo;
        session.open(target);
        QVERIFY(opened.wait(kTimeoutMs));

        QTemporaryDir tmp;
        const QString folder = tmp.filePath(QStringLiteral("Watched"));
        QVERIFY(QDir().mkpath(folder));
        write(folder + QStringLiteral("/keep.txt"), "Kept words.");
        write(folder + QStringLiteral("/drop.txt"), "Soon deleted.");
        QSignalSpy finished(window.backgroundImport(), &BackgroundImport::finished);
        window.watchFolder(folder);
        QVERIFY(finished.wait(kTimeoutMs));
        auto* view = child<QTreeView>(&window, "libraryView");
        QTRY_VERIFY_WITH_TIMEOUT(findTitle(view->model(), QStringLiteral("drop")).isValid(),
                                 kTimeoutMs);

        QVERIFY(QFile::remove(folder + QStringLiteral("/drop.txt")));
        write(folder + QStringLiteral("/added.txt"), "Added later.");
        QTRY_VERIFY_WITH_TIMEOUT(findTitle(view->model(), QStringLiteral("added")).isValid(),
                                 kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!findTitle(view->model(), QStringLiteral("drop")).isValid(),
                                 kTimeoutMs);
        QVERIFY(findTitle(view->model(), QStringLiteral("keep")).isValid());
        QSettings().remove(QStringLiteral("import/watchFolders"));
        QSettings().remove(QStringLiteral("import/rootIdentities"));
    }
    test::TestPostgres::instance().dropDatabase(conninfo);
}

// The library follows the background worker while the page stays open: the cards, and each
// document's Embedded share, reach 100% without leaving the page. The status bar keeps one line
// per activity and lets finished work go.
void TestLibraryImport::libraryFollowsEmbeddingAndStatusBarSettles() {
    const QString conninfo =
        test::TestPostgres::instance().createDatabase(QStringLiteral("gui_follow"));
    {
        {
            PgConnection conn = PgConnection::open(conninfo);
            Migrations::apply(conn);
            ProfileRepository(conn).setDefault(QStringLiteral("lexical"));
        }
        BackgroundWorker worker; // outlives the window, as in the application
        DatabaseSession session;
        MainWindow window(&session);
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openOn(session, conninfo));

        QTemporaryDir tmp;
        const QString folder = tmp.filePath(QStringLiteral("Field Notes"));
        QVERIFY(QDir().mkpath(folder));
        const QString title =
            QStringLiteral("Observations of migrating birds along the northern coast");
        QByteArray body = "# " + title.toUtf8() + "\n\n";
        for (int i = 0; i < 40; ++i)
            body += "Paragraph " + QByteArray::number(i) +
                    " records the flocks seen at dawn, their number and their heading.\n\n";
        write(folder + QStringLiteral("/birds.md"), body);
        QSignalSpy finished(window.backgroundImport(), &BackgroundImport::finished);
        window.importPaths({folder});
        QVERIFY(finished.wait(kTimeoutMs));
        const qint64 chunks = finished.first().first().value<ImportSummary>().chunks;
        QVERIFY(chunks > 1);

        auto* page = window.findChild<LibraryPage*>(QStringLiteral("libraryPage"));
        auto* view = child<QTreeView>(page, "libraryView");
        auto* pending = child<QLabel>(page, "pendingCount");
        auto* embeddings = child<QLabel>(page, "embeddingsCount");
        QVERIFY(page && view && pending && embeddings);
        QTRY_VERIFY_WITH_TIMEOUT(findTitle(view->model(), title).isValid(), kTimeoutMs);
        const auto embeddedCell = [&]() {
            const QModelIndex doc = findTitle(view->model(), title);
            return doc.siblingAtColumn(LibraryModel::Embedded).data().toString();
        };
        QCOMPARE(embeddedCell(), QStringLiteral("0%"));
        QTRY_COMPARE_WITH_TIMEOUT(pending->text(), QLocale().toString(chunks), kTimeoutMs);

        // The title has room: the figures take what they need, the title the rest.
        view->expandAll();
        const QModelIndex doc = findTitle(view->model(), title);
        const int needed = view->fontMetrics().horizontalAdvance(title) + view->indentation() * 2 +
                           view->style()->pixelMetric(QStyle::PM_SmallIconSize);
        QVERIFY2(
            view->columnWidth(LibraryModel::Title) >= needed,
            qPrintable(
                QStringLiteral("%1 < %2").arg(view->columnWidth(LibraryModel::Title)).arg(needed)));
        QVERIFY(doc.isValid());

        // The worker starts now, with the page open; nothing but its progress refreshes it.
        window.setBackgroundWorker(&worker);
        worker.start(conninfo, QStringLiteral("lexical"));
        QTRY_COMPARE_WITH_TIMEOUT(embeddedCell(), QStringLiteral("100%"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(pending->text(), QStringLiteral("0"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(embeddings->text(), QLocale().toString(chunks), kTimeoutMs);
        const QModelIndex collection = findTitle(view->model(), title).parent();
        QCOMPARE(collection.siblingAtColumn(LibraryModel::Embedded).data().toString(),
                 QStringLiteral("100%"));
        const QString shots = qEnvironmentVariable("QUIVER_BINARY_DIR", QDir::currentPath()) +
                              QStringLiteral("/screenshots");
        QDir().mkpath(shots);
        QCoreApplication::processEvents();
        QVERIFY(window.grab().save(shots + QStringLiteral("/library_embedded.png")));

        // Finished work leaves the status bar: the import's summary, then the worker's count.
        auto* worked = window.findChild<WorkerStatusWidget*>();
        QVERIFY(worked);
        QVERIFY2(worked->text().startsWith(QLatin1String("Embedded ")), qPrintable(worked->text()));
        QTRY_VERIFY_WITH_TIMEOUT(!child<QWidget>(&window, "importStatus")->isVisible(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!worked->isVisible(), kTimeoutMs);
        worker.stop();
    }
    test::TestPostgres::instance().dropDatabase(conninfo);
}

// Another program (a worker on another machine, the command line) writes to the database: the
// open Library shows its documents and their embedding as they are written, with nothing of
// this window's own doing.
void TestLibraryImport::libraryFollowsOtherPrograms() {
    const QString conninfo =
        test::TestPostgres::instance().createDatabase(QStringLiteral("gui_others"));
    {
        PgConnection other = PgConnection::open(conninfo);
        Migrations::apply(other);
        DatabaseSession session;
        MainWindow window(&session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openOn(session, conninfo));
        auto* page = window.findChild<LibraryPage*>(QStringLiteral("libraryPage"));
        QVERIFY(page && page->isVisible());
        auto* view = child<QTreeView>(page, "libraryView");
        QVERIFY(view);

        const QString title = QStringLiteral("Written elsewhere");
        const qint64 collection =
            other
                .exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('Elsewhere') "
                                     "RETURNING id"))
                .toInt64(0, 0);
        const qint64 doc = other
                               .exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, "
                                                    "path, title, mime) VALUES ($1, "
                                                    "'/elsewhere/a.txt', $2, 'text/plain') "
                                                    "RETURNING id"),
                                     {collection, title})
                               .toInt64(0, 0);
        const qint64 chunk =
            other
                .exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text) "
                                     "VALUES ($1, 0, 'a passage') RETURNING id"),
                      {doc})
                .toInt64(0, 0);
        QTRY_VERIFY_WITH_TIMEOUT(findTitle(view->model(), title).isValid(), kTimeoutMs);
        const auto embeddedCell = [&]() {
            return findTitle(view->model(), title)
                .siblingAtColumn(LibraryModel::Embedded)
                .data()
                .toString();
        };
        QCOMPARE(embeddedCell(), QStringLiteral("0%"));
        other.exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, "
                                  "vector) VALUES ($1, 'elsewhere', 2, '{1,0}')"),
                   {chunk});
        QTRY_COMPARE_WITH_TIMEOUT(embeddedCell(), QStringLiteral("100%"), kTimeoutMs);
    }
    test::TestPostgres::instance().dropDatabase(conninfo);
}

QTEST_MAIN(TestLibraryImport)
#include "tst_library_import.moc"
