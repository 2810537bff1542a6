// A server restart (pg_ctl restart -m fast) in the middle of a large import, against a private
// throwaway server so the shared fixture is not disturbed: committed documents stay, the rest
// are reported as not stored, and the next run of the same import completes it.
#include "core/db/pg_binaries.h"
#include "core/db/private_cluster.h"
#include "import_test_support.h"
#include "tests/harness/ingest_fixtures.h"

#include <QDir>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace quiver;
using namespace quiver::test;
using Outcome = ImportFileResult::Outcome;

class TestImportRestart : public QObject {
    Q_OBJECT
private slots:
    void restartMidImportLosesNothingCommitted_data();
    void restartMidImportLosesNothingCommitted();
};

void TestImportRestart::restartMidImportLosesNothingCommitted_data() {
    QTest::addColumn<int>("writers");
    QTest::newRow("one writer") << 1;
    QTest::newRow("three writer connections") << 3;
}

void TestImportRestart::restartMidImportLosesNothingCommitted() {
    QTemporaryDir tmp(QDir::tempPath() + QStringLiteral("/qimp-XXXXXX"));
    QVERIFY(tmp.isValid());
    PrivateCluster cluster(tmp.filePath(QStringLiteral("pg")));
    const QString conninfo = cluster.start();
    const QString pgCtl = PgBinaries::locate().program(QStringLiteral("pg_ctl"));

    const QDir dir(tmp.filePath(QStringLiteral("corpus")));
    QVERIFY(QDir().mkpath(dir.path()));
    const int total = 1200;
    for (int i = 0; i < total; ++i) {
        QString text;
        for (int p = 0; p < 6; ++p)
            text += QStringLiteral("File %1 paragraph %2 has words that differ per file, %1 and "
                                   "%2, so nothing is deduplicated.\n\n")
                        .arg(i)
                        .arg(p);
        QVERIFY(fixtures::writeFile(
            dir.filePath(QStringLiteral("doc%1.txt").arg(i, 5, 10, QLatin1Char('0'))),
            text.toUtf8()));
    }

    QFETCH(int, writers);
    ImportSettings settings;
    settings.readerThreads = 2;
    settings.writerConnections = writers;
    ImportSummary first;
    QList<ImportFileResult> results;
    bool restarted = false;
    {
        PgConnection conn = PgConnection::open(conninfo);
        Migrations::apply(conn);
        Importer importer(conn, settings);
        importer.openConnection = [&conninfo]() { return PgConnection::open(conninfo); };
        importer.onFile = [&](const ImportFileResult& r) {
            results.append(r);
            if (!restarted && r.outcome == Outcome::Imported && results.size() >= 150) {
                restarted = true;
                // Fast shutdown ends every session, ours included, then the server comes back.
                QCOMPARE(QProcess::execute(pgCtl, {QStringLiteral("restart"), QStringLiteral("-D"),
                                                   tmp.filePath(QStringLiteral("pg")),
                                                   QStringLiteral("-m"), QStringLiteral("fast"),
                                                   QStringLiteral("-w"), QStringLiteral("-s")}),
                         0);
            }
        };
        first = importer.run({{dir.path()}, {}});
    }
    QVERIFY(restarted);
    QVERIFY(first.databaseLost);
    QCOMPARE(results.size(), total); // every file has its line
    QSet<QString> paths;
    int imported = 0;
    for (const ImportFileResult& r : std::as_const(results)) {
        paths.insert(r.path);
        if (r.outcome == Outcome::Imported)
            ++imported;
        else
            QVERIFY2(r.outcome == Outcome::Failed &&
                         r.reason.contains(QLatin1String("database connection was lost")),
                     qPrintable(r.describe()));
    }
    QCOMPARE(paths.size(), total);
    QVERIFY(imported >= 150 && imported < total);

    PgConnection check = PgConnection::open(conninfo);
    // Exactly the documents reported as imported are stored, each with all of its chunks.
    QCOMPARE(check.exec(QStringLiteral("SELECT count(*) FROM quiver.documents")).toInt64(0, 0),
             imported);
    QCOMPARE(check
                 .exec(QStringLiteral("SELECT count(*) FROM quiver.documents d WHERE NOT EXISTS "
                                      "(SELECT 1 FROM quiver.chunks c WHERE c.document_id = d.id)"))
                 .toInt64(0, 0),
             0);
    QCOMPARE(check
                 .exec(QStringLiteral("SELECT count(*) FROM quiver.import_files WHERE state = "
                                      "'imported'"))
                 .toInt64(0, 0),
             imported);

    // The next run picks up where the first stopped.
    const ImportRun second = runImport(check, {dir.path()}, settings);
    QCOMPARE(second.summary.failed, 0);
    QVERIFY(!second.summary.databaseLost);
    QCOMPARE(second.summary.imported, total - imported);
    QCOMPARE(second.summary.unchanged, imported);
    QCOMPARE(check.exec(QStringLiteral("SELECT count(*) FROM quiver.documents")).toInt64(0, 0),
             total);
    QCOMPARE(check
                 .exec(QStringLiteral("SELECT count(*), count(*) FILTER (WHERE finished_at IS NOT "
                                      "NULL) FROM quiver.import_runs"))
                 .toInt64(0, 1),
             1);
    check = PgConnection();
    cluster.release();
}

QTEST_GUILESS_MAIN(TestImportRestart)
#include "tst_import_restart.moc"
