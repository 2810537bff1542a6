// The importer with several writer connections against the real PostgreSQL server of the ctest
// fixture: it stores exactly what one writer stores, a cancel keeps what was committed and the
// next run completes it, a document the server refuses costs only itself, and writers cut off
// from the server end the run so that the next one resumes it.
#include "core/ingest/import_settings.h"
#include "import_test_support.h"
#include "tests/harness/ingest_fixtures.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

using namespace quiver;
using namespace quiver::test;
namespace fx = quiver::test::fixtures;
using Outcome = ImportFileResult::Outcome;

namespace {

const QString kWriterApp = QStringLiteral("quiver-test-writer");

QString longText(int paragraphs, const QString& tag) {
    QStringList ps;
    for (int p = 0; p < paragraphs; ++p)
        ps.append(QStringLiteral("Paragraph %1 of %2 tells one idea in plain sentences, with "
                                 "words enough to fill part of a chunk. Its last sentence names "
                                 "paragraph %1 of %2 again.")
                      .arg(p)
                      .arg(tag));
    return ps.join(QStringLiteral("\n\n"));
}

// A folder of `count` text files of several chunks each; file i has 1 + i % 7 paragraphs.
QString writeCorpus(const QTemporaryDir& tmp, int count) {
    const QString dir = tmp.filePath(QStringLiteral("corpus"));
    QDir().mkpath(dir);
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("%1/f%2.txt").arg(dir).arg(i, 4, 10, QLatin1Char('0'));
        if (!fx::writeFile(name, longText(1 + (i % 7) * 4, QString::number(i)).toUtf8()))
            return {};
    }
    return dir;
}

// Every chunk of every document, by path and ordinal, as one comparable list.
QStringList storedChunks(PgConnection& conn) {
    const PgResult r = conn.exec(QStringLiteral(
        "SELECT d.path, d.sha256, c.ordinal, c.char_start, c.char_end, c.token_estimate, "
        "c.sha256, c.text FROM quiver.chunks c JOIN quiver.documents d "
        "ON d.id = c.document_id ORDER BY d.path, c.ordinal"));
    QStringList out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        QStringList fields;
        for (int f = 0; f < 8; ++f)
            fields.append(r.text(i, f));
        out.append(fields.join(QLatin1Char('|')));
    }
    return out;
}

// An importer whose extra connections carry an application name the test can find.
struct WriterImport {
    WriterImport(ImportDatabase& db, int writers)
        : importer(db.conn, settingsFor(writers)) {
        const QString conninfo = db.conninfo + QStringLiteral(" application_name=") + kWriterApp;
        importer.openConnection = [this, conninfo]() {
            ++opened;
            return PgConnection::open(conninfo);
        };
        importer.onFile = [this](const ImportFileResult& r) { files.append(r); };
    }
    static ImportSettings settingsFor(int writers) {
        ImportSettings s;
        s.readerThreads = 2;
        s.writerConnections = writers;
        return s;
    }
    int count(Outcome o) const {
        int n = 0;
        for (const ImportFileResult& r : files)
            n += r.outcome == o ? 1 : 0;
        return n;
    }

    Importer importer;
    std::atomic<int> opened{0};
    QList<ImportFileResult> files;
};

qint64 writerBackends(PgConnection& conn) {
    return conn
        .exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1"),
              {kWriterApp})
        .toInt64(0, 0);
}

} // namespace

class TestImportWriters : public QObject {
    Q_OBJECT
private slots:
    void severalWritersStoreWhatOneStores();
    void cancelKeepsCommittedWorkAndResumes();
    void cancelCutsBatchesInFlightShort();
    void refusedDocumentCostsOnlyItself();
    void lostWritersEndTheRunAndTheNextResumes();
    void firstImportRefreshesDocumentStatistics();
};

void TestImportWriters::severalWritersStoreWhatOneStores() {
    QTemporaryDir tmp;
    const QString dir = writeCorpus(tmp, 150);
    QVERIFY(!dir.isEmpty());

    ImportDatabase one;
    const ImportRun single = runImport(one.conn, {dir}, WriterImport::settingsFor(1));
    QCOMPARE(single.summary.imported, 150);

    ImportDatabase many;
    WriterImport parallel(many, 3);
    qint64 seenBackends = 0;
    // The monitor's own connection: the importer's is busy on this thread's behalf.
    PgConnection monitor = PgConnection::open(many.conninfo);
    parallel.importer.onProgress = [&](const ImportProgress&) {
        seenBackends = std::max(seenBackends, writerBackends(monitor));
    };
    const ImportSummary s = parallel.importer.run({{dir}, {}});
    QCOMPARE(s.failed, 0);
    QCOMPARE(s.imported, 150);
    QCOMPARE(s.chunks, single.summary.chunks);
    QCOMPARE(parallel.opened.load(), 3);
    QCOMPARE(seenBackends, 3);
    QTRY_COMPARE(writerBackends(monitor), qint64(0)); // closed when the run ends
    QCOMPARE(parallel.files.size(), 150);
    QSet<QString> paths;
    for (const ImportFileResult& r : std::as_const(parallel.files)) {
        QCOMPARE(r.outcome, Outcome::Imported);
        QVERIFY(r.documentId > 0);
        paths.insert(r.path);
    }
    QCOMPARE(paths.size(), 150);

    const QStringList expected = storedChunks(one.conn);
    const QStringList got = storedChunks(many.conn);
    QVERIFY(expected.size() > 300); // several chunks per document on average
    QCOMPARE(got.size(), expected.size());
    QCOMPARE(got, expected);
    QCOMPARE(many.count(QStringLiteral("SELECT count(*) FROM quiver.import_files "
                                       "WHERE state = 'imported'")),
             150);
    QCOMPARE(many.count(QStringLiteral(
                 "SELECT count(*) FROM quiver.import_runs WHERE finished_at IS NOT NULL")),
             1);

    // Re-import is a no-op with several writers too.
    WriterImport again(many, 3);
    const ImportSummary second = again.importer.run({{dir}, {}});
    QCOMPARE(second.unchanged, 150);
    QCOMPARE(second.imported, 0);
    QCOMPARE(storedChunks(many.conn), expected);
}

void TestImportWriters::cancelKeepsCommittedWorkAndResumes() {
    QTemporaryDir tmp;
    const int total = 1000; // more than the batches that may be in flight when cancelled
    const QString dir = writeCorpus(tmp, total);
    QVERIFY(!dir.isEmpty());
    ImportDatabase db;
    WriterImport first(db, 3);
    QElapsedTimer sinceCancel;
    int imported = 0;
    first.importer.onFile = [&](const ImportFileResult& r) {
        first.files.append(r);
        if (r.outcome == Outcome::Imported && ++imported == 50) {
            first.importer.cancel();
            sinceCancel.start();
        }
    };
    const ImportSummary s = first.importer.run({{dir}, {}});
    QVERIFY(s.cancelled);
    QVERIFY2(sinceCancel.elapsed() < 1000, qPrintable(QString::number(sinceCancel.elapsed())));
    const qint64 stored = db.count(QStringLiteral("SELECT count(*) FROM quiver.documents"));
    QVERIFY(stored >= 50 && stored < total);
    // Every file reported as imported is committed, and nothing else is.
    QCOMPARE(qint64(first.count(Outcome::Imported)), stored);
    for (const ImportFileResult& r : std::as_const(first.files)) {
        if (r.outcome == Outcome::Imported)
            QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents WHERE id = $1 "
                                             "AND path = $2"),
                              {r.documentId, r.path}),
                     1);
    }
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_files WHERE state = "
                                     "'imported'")),
             stored);

    WriterImport second(db, 3);
    const ImportSummary resumed = second.importer.run({{dir}, {}});
    QCOMPARE(resumed.failed, 0);
    QCOMPARE(resumed.imported, total - stored);
    QCOMPARE(resumed.unchanged, stored);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), total);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_runs")), 1);
    QCOMPARE(db.count(QStringLiteral(
                 "SELECT count(*) FROM quiver.import_runs WHERE finished_at IS NULL")),
             0);

    // The same documents and chunks as one uninterrupted writer stores.
    ImportDatabase reference;
    const ImportRun whole = runImport(reference.conn, {dir}, WriterImport::settingsFor(1));
    QCOMPARE(whole.summary.imported, total);
    QCOMPARE(storedChunks(db.conn), storedChunks(reference.conn));
}

void TestImportWriters::cancelCutsBatchesInFlightShort() {
    // Big documents: every batch in flight holds thousands of chunks for the server to index.
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("big"));
    QVERIFY(QDir().mkpath(dir));
    const int total = 300;
    for (int i = 0; i < total; ++i)
        QVERIFY(fx::writeFile(QStringLiteral("%1/b%2.txt").arg(dir).arg(i),
                              longText(150, QString::number(i)).toUtf8()));
    ImportDatabase db;
    WriterImport run(db, 3);
    QElapsedTimer sinceCancel;
    run.importer.onFile = [&](const ImportFileResult& r) {
        run.files.append(r);
        if (!sinceCancel.isValid() && r.outcome == Outcome::Imported) {
            run.importer.cancel();
            sinceCancel.start();
        }
    };
    const ImportSummary s = run.importer.run({{dir}, {}});
    QVERIFY(s.cancelled);
    QVERIFY2(sinceCancel.elapsed() < 1000, qPrintable(QString::number(sinceCancel.elapsed())));
    const qint64 stored = db.count(QStringLiteral("SELECT count(*) FROM quiver.documents"));
    QVERIFY(stored < total);
    QCOMPARE(qint64(run.count(Outcome::Imported)), stored);
    QCOMPARE(run.count(Outcome::Failed), 0); // cancelled work is not a failure
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_files WHERE state = "
                                     "'imported'")),
             stored);
    QCOMPARE(
        db.count(QStringLiteral("SELECT count(*) FROM quiver.chunks c WHERE NOT EXISTS "
                                "(SELECT 1 FROM quiver.documents d WHERE d.id = c.document_id)")),
        0);

    WriterImport second(db, 3);
    const ImportSummary resumed = second.importer.run({{dir}, {}});
    QCOMPARE(resumed.failed, 0);
    QCOMPARE(resumed.imported, total - stored);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), total);
}

void TestImportWriters::refusedDocumentCostsOnlyItself() {
    QTemporaryDir tmp;
    const QString dir = writeCorpus(tmp, 60);
    QVERIFY(!dir.isEmpty());
    const QString refused = dir + QStringLiteral("/refuse-me.txt");
    QVERIFY(fx::writeFile(refused, longText(3, QStringLiteral("refused")).toUtf8()));
    ImportDatabase db;
    // The server itself refuses one document, as a constraint or a full disk would.
    db.conn.execScript(QStringLiteral(
        "CREATE FUNCTION public.refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.path LIKE '%/refuse-me.txt' THEN RAISE EXCEPTION 'not this one'; END IF; "
        "RETURN NEW; END $$; "
        "CREATE TRIGGER refuse_one BEFORE INSERT ON quiver.documents FOR EACH ROW "
        "EXECUTE FUNCTION public.refuse_one();"));
    WriterImport run(db, 3);
    const ImportSummary s = run.importer.run({{dir}, {}});
    QCOMPARE(s.imported, 60);
    QCOMPARE(s.failed, 1);
    for (const ImportFileResult& r : std::as_const(run.files)) {
        if (r.path == refused) {
            QCOMPARE(r.outcome, Outcome::Failed);
            QVERIFY2(r.reason.contains(QLatin1String("not this one")), qPrintable(r.describe()));
        }
    }
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 60);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_files WHERE path = $1 "
                                     "AND state = 'failed'"),
                      {refused}),
             1);
}

void TestImportWriters::lostWritersEndTheRunAndTheNextResumes() {
    QTemporaryDir tmp;
    const int total = 1000;
    const QString dir = writeCorpus(tmp, total);
    QVERIFY(!dir.isEmpty());
    ImportDatabase db;
    PgConnection killer = PgConnection::open(db.conninfo);
    WriterImport first(db, 3);
    int imported = 0;
    first.importer.onFile = [&](const ImportFileResult& r) {
        first.files.append(r);
        if (r.outcome == Outcome::Imported && ++imported == 40) {
            // The writers' server sessions end, as when the server goes away.
            killer.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE application_name = $1"),
                        {kWriterApp});
        }
    };
    const ImportSummary s = first.importer.run({{dir}, {}});
    QVERIFY(s.databaseLost);
    QVERIFY(!s.databaseError.isEmpty());
    QVERIFY(s.failed > 0);
    QCOMPARE(first.files.size(), total); // every file gets exactly one result
    const qint64 stored = db.count(QStringLiteral("SELECT count(*) FROM quiver.documents"));
    QCOMPARE(qint64(first.count(Outcome::Imported)), stored);
    QVERIFY(stored >= 40 && stored < total);
    for (const ImportFileResult& r : std::as_const(first.files)) {
        if (r.outcome == Outcome::Failed)
            QVERIFY2(r.reason.contains(QLatin1String("run the import again")),
                     qPrintable(r.describe()));
    }

    WriterImport second(db, 3);
    const ImportSummary resumed = second.importer.run({{dir}, {}});
    QVERIFY(!resumed.databaseLost);
    QCOMPARE(resumed.failed, 0);
    QCOMPARE(resumed.imported, total - stored);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), total);
    QCOMPARE(db.count(QStringLiteral(
                 "SELECT count(*) FROM quiver.import_runs WHERE finished_at IS NULL")),
             0);
}

void TestImportWriters::firstImportRefreshesDocumentStatistics() {
    // Foreign-key checks of chunks are planned once per session; planned against an empty
    // quiver.documents they scan the table, so a growing first import refreshes its statistics.
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("small"));
    QVERIFY(QDir().mkpath(dir));
    for (int i = 0; i < 300; ++i)
        QVERIFY(fx::writeFile(QStringLiteral("%1/s%2.txt").arg(dir).arg(i),
                              QByteArray("small file ") + QByteArray::number(i)));
    ImportDatabase db;
    const auto analyses = [&db]() {
        return db.count(QStringLiteral("SELECT analyze_count FROM pg_stat_user_tables "
                                       "WHERE relid = 'quiver.documents'::regclass"));
    };
    QCOMPARE(analyses(), 0);
    WriterImport run(db, 2);
    const ImportSummary s = run.importer.run({{dir}, {}});
    QCOMPARE(s.imported, 300);
    QTRY_VERIFY(analyses() >= 1);
    QVERIFY(db.count(QStringLiteral("SELECT reltuples::bigint FROM pg_class "
                                    "WHERE oid = 'quiver.documents'::regclass")) >= 256);
}

QTEST_MAIN(TestImportWriters)
#include "tst_import_writers.moc"
