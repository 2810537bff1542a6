#include "core/ingest/document_reader.h"
#include "core/ingest/import_settings.h"
#include "import_test_support.h"
#include "tests/harness/ingest_fixtures.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace quiver;
using namespace quiver::test;
namespace fx = quiver::test::fixtures;
using Outcome = ImportFileResult::Outcome;

namespace {

QString longText(int paragraphs, const QString& tag) {
    QStringList ps;
    for (int p = 0; p < paragraphs; ++p)
        ps.append(QStringLiteral("Paragraph %1 of %2 explains one idea in several plain sentences. "
                                 "It has enough words to fill part of a chunk. The last sentence "
                                 "names the paragraph %1 again.")
                      .arg(p)
                      .arg(tag));
    return ps.join(QStringLiteral("\n\n"));
}

// `count` small text files f0000.txt, f0001.txt, ... in a new folder `dir`.
bool writeNumberedFiles(const QDir& dir, int count) {
    if (!QDir().mkpath(dir.path()))
        return false;
    for (int i = 0; i < count; ++i) {
        if (!fx::writeFile(dir.filePath(QStringLiteral("f%1.txt").arg(i, 4, 10, QLatin1Char('0'))),
                           longText(2, QString::number(i)).toUtf8()))
            return false;
    }
    return true;
}

// The chunk's text, as stored, equals the document's normalised text at its code-point offsets.
void verifyOffsets(PgConnection& conn, const QString& path, const QString& docText) {
    const QList<uint> cps = docText.toUcs4();
    const PgResult r = conn.exec(QStringLiteral("SELECT c.text, c.char_start, c.char_end FROM "
                                                "quiver.chunks c JOIN quiver.documents d ON "
                                                "d.id = c.document_id WHERE d.path = $1 "
                                                "ORDER BY c.ordinal"),
                                 {path});
    QVERIFY(r.rows() > 0);
    for (int i = 0; i < r.rows(); ++i) {
        const qint64 start = r.toInt64(i, 1);
        const qint64 end = r.toInt64(i, 2);
        QVERIFY(end <= cps.size());
        const QList<uint> slice = cps.mid(start, end - start);
        QCOMPARE(
            r.text(i, 0),
            QString::fromUcs4(reinterpret_cast<const char32_t*>(slice.constData()), slice.size()));
    }
}

} // namespace

class TestImporter : public QObject {
    Q_OBJECT
private slots:
    void importsEveryFormat();
    void reimportIsANoOpAndChangedFileReusesEmbeddings();
    void badInputsGetReasonsAndLoseNothing();
    void cancelledImportResumes();
    void resumeRereadsFilesEditedSinceTheCancel();
    void namesCollections();
    void progressMovesInsideOneSlowFile();
    void fileDeletedBeforeItIsRead();
    void watchModeRemovesDocumentsOfDeletedFiles();
    void unreadableFolderKeepsItsDocuments();
};

void TestImporter::importsEveryFormat() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QDir dir(tmp.path() + QStringLiteral("/Papers"));
    QVERIFY(QDir().mkpath(dir.path()));
    const auto put = [&dir](const QString& name, const QByteArray& bytes) {
        QVERIFY(fx::writeFile(dir.filePath(name), bytes));
    };
    const QString unicode =
        QStringLiteral("Caf\u00e9 \U0001F600 na\u00efve.\n\n") + longText(6, QStringLiteral("txt"));
    put(QStringLiteral("notes.txt"), unicode.toUtf8());
    put(QStringLiteral("readme.md"), "# Markdown Heading\n\nBody of the *markdown* file.\n");
    put(QStringLiteral("page.html"),
        "<html><head><title>Html Title</title><script>var hidden;"
        "</script></head><body><p>Visible html words</p></body></html>");
    put(QStringLiteral("report.pdf"), fx::pdf({QStringLiteral("First page about apples."),
                                               QStringLiteral("Second page about pears.")},
                                              QStringLiteral("Fruit Report")));
    put(QStringLiteral("scan.pdf"), fx::imageOnlyPdf(QStringLiteral("Scanned invoice total")));
    put(QStringLiteral("letter.docx"),
        fx::docx({QStringLiteral("Dear reader, docx body.")}, QStringLiteral("Docx Letter")));
    put(QStringLiteral("deck.pptx"),
        fx::pptx({QStringLiteral("Slide alpha"), QStringLiteral("Slide beta")},
                 QStringLiteral("Deck Title")));
    put(QStringLiteral("essay.odt"),
        fx::odt({QStringLiteral("Odt essay text.")}, QStringLiteral("Odt Essay")));
    put(QStringLiteral("talk.odp"), fx::odp({QStringLiteral("Odp one"), QStringLiteral("Odp two")},
                                            QStringLiteral("Odp Talk")));
    put(QStringLiteral("book.epub"),
        fx::epub({QStringLiteral("Chapter one text."), QStringLiteral("Chapter two text.")},
                 QStringLiteral("Epub Book")));
    put(QStringLiteral("table.csv"), "fruit,count\napple,3\npear,5\n");
    put(QStringLiteral("data.json"), "{\"fruit\": \"quince\"}\n");

    ImportSettings settings;
    settings.chunkTokens = 64;
    settings.overlapTokens = 8;
    const ImportRun run = runImport(db.conn, {dir.path()}, settings);
    QCOMPARE(run.summary.failed, 0);
    QCOMPARE(run.summary.imported, 12);
    QCOMPARE(
        db.count(QStringLiteral("SELECT count(*) FROM quiver.collections WHERE name = 'Papers'")),
        1);

    const auto titleOf = [&](const QString& name) {
        return db.conn
            .exec(QStringLiteral("SELECT title FROM quiver.documents WHERE path = $1"),
                  {dir.filePath(name)})
            .text(0, 0);
    };
    QCOMPARE(titleOf(QStringLiteral("notes.txt")), QStringLiteral("notes"));
    QCOMPARE(titleOf(QStringLiteral("readme.md")), QStringLiteral("Markdown Heading"));
    QCOMPARE(titleOf(QStringLiteral("page.html")), QStringLiteral("Html Title"));
    QCOMPARE(titleOf(QStringLiteral("report.pdf")), QStringLiteral("Fruit Report"));
    QCOMPARE(titleOf(QStringLiteral("letter.docx")), QStringLiteral("Docx Letter"));
    QCOMPARE(titleOf(QStringLiteral("deck.pptx")), QStringLiteral("Deck Title"));
    QCOMPARE(titleOf(QStringLiteral("essay.odt")), QStringLiteral("Odt Essay"));
    QCOMPARE(titleOf(QStringLiteral("book.epub")), QStringLiteral("Epub Book"));

    // Text is searchable where it should be and only there.
    const auto chunkWith = [&](const QString& word) {
        return db.conn.exec(QStringLiteral("SELECT d.path, c.page, c.ocr FROM quiver.chunks c JOIN "
                                           "quiver.documents d ON d.id = c.document_id "
                                           "WHERE c.text ILIKE '%' || $1 || '%' ORDER BY d.path"),
                            {word});
    };
    QCOMPARE(chunkWith(QStringLiteral("hidden")).rows(), 0);
    {
        const PgResult pears = chunkWith(QStringLiteral("pears"));
        QCOMPARE(pears.rows(), 1);
        QCOMPARE(pears.text(0, 0), dir.filePath(QStringLiteral("report.pdf")));
        QCOMPARE(pears.toInt64(0, 1), 2); // page numbers kept
        QCOMPARE(pears.text(0, 2), QStringLiteral("f"));
    }
    {
        const PgResult scanned = chunkWith(QStringLiteral("invoice"));
        QCOMPARE(scanned.rows(), 1);
        QCOMPARE(scanned.toInt64(0, 1), 1);
        QCOMPARE(scanned.text(0, 2), QStringLiteral("t")); // marked as OCR text
    }
    QCOMPARE(chunkWith(QStringLiteral("Slide beta")).toInt64(0, 1), 2);
    QCOMPARE(chunkWith(QStringLiteral("quince")).rows(), 1);
    QCOMPARE(chunkWith(QStringLiteral("Chapter two")).rows(), 1);

    // Offsets point into the normalised text, in code points (the emoji is one).
    ReadContext ctx;
    const QString notesPath = dir.filePath(QStringLiteral("notes.txt"));
    QFile notes(notesPath);
    QVERIFY(notes.open(QIODevice::ReadOnly));
    const ExtractedDocument extracted = DocumentReader::read(notes.readAll(), notesPath, ctx);
    verifyOffsets(db.conn, notesPath, extracted.text);
    QVERIFY(db.count(QStringLiteral("SELECT count(*) FROM quiver.chunks c JOIN quiver.documents d "
                                    "ON d.id = c.document_id WHERE d.path = $1"),
                     {notesPath}) > 3);
    QCOMPARE(db.count(QStringLiteral("SELECT max(token_estimate) FROM quiver.chunks")) <= 64, true);

    // The embedded text is reproducible: template and budget are stored with the document.
    const QJsonObject meta =
        QJsonDocument::fromJson(db.conn
                                    .exec(QStringLiteral("SELECT metadata::text FROM "
                                                         "quiver.documents WHERE path = $1"),
                                          {dir.filePath(QStringLiteral("report.pdf"))})
                                    .text(0, 0)
                                    .toUtf8())
            .object();
    QCOMPARE(meta.value(QStringLiteral("embed_template")).toString(),
             QStringLiteral("$title\n\n$chunk"));
    QCOMPARE(meta.value(QStringLiteral("pages")).toInt(), 2);
    QCOMPARE(meta.value(QStringLiteral("chunk_tokens")).toInt(), 64);
    const PgResult firstChunk = db.conn.exec(
        QStringLiteral(
            "SELECT d.title, c.text, c.sha256 FROM quiver.chunks c JOIN quiver.documents d "
            "ON d.id = c.document_id WHERE d.path = $1 ORDER BY c.ordinal LIMIT 1"),
        {dir.filePath(QStringLiteral("report.pdf"))});
    const QByteArray embedded =
        renderEmbedText(meta.value(QStringLiteral("embed_template")).toString(),
                        firstChunk.text(0, 0), firstChunk.text(0, 1))
            .toUtf8();
    QCOMPARE(firstChunk.text(0, 2),
             QString::fromLatin1(
                 QCryptographicHash::hash(embedded, QCryptographicHash::Sha256).toHex()));
    // Nothing is queued by hand: the worker looks for chunks without embeddings.
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.embedding_queue")), 0);
    QCOMPARE(db.count(QStringLiteral(
                 "SELECT count(*) FROM quiver.import_runs WHERE finished_at IS NULL")),
             0);
}

void TestImporter::reimportIsANoOpAndChangedFileReusesEmbeddings() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QString a = tmp.filePath(QStringLiteral("a.txt"));
    const QString b = tmp.filePath(QStringLiteral("b.txt"));
    QVERIFY(fx::writeFile(a, longText(8, QStringLiteral("alpha")).toUtf8()));
    QVERIFY(fx::writeFile(b, longText(3, QStringLiteral("beta")).toUtf8()));
    ImportSettings settings;
    settings.chunkTokens = 64;
    settings.overlapTokens = 8;

    // Someone listens for new chunks, as the embedding worker will.
    PgConnection listener = PgConnection::open(db.conninfo);
    listener.listen(QStringLiteral("quiver_chunks"));

    const ImportRun first = runImport(db.conn, {tmp.path()}, settings);
    QCOMPARE(first.summary.imported, 2);
    QVERIFY(listener.nextNotification(5000).has_value());
    const qint64 chunksA = db.count(QStringLiteral("SELECT count(*) FROM quiver.chunks c JOIN "
                                                   "quiver.documents d ON d.id = c.document_id "
                                                   "WHERE d.path = $1"),
                                    {a});
    QVERIFY(chunksA >= 4);
    const QString idsB =
        db.conn
            .exec(QStringLiteral("SELECT string_agg(c.id::text, ',' ORDER BY c.id) "
                                 "FROM quiver.chunks c JOIN quiver.documents d "
                                 "ON d.id = c.document_id WHERE d.path = $1"),
                  {b})
            .text(0, 0);
    // Pretend two models embedded everything.
    for (const char* model : {"model-a", "model-b"})
        db.conn.exec(
            QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
                           "SELECT id, $1, 2, ARRAY[id, 1]::real[] FROM quiver.chunks"),
            {QString::fromLatin1(model)});

    // Re-import: nothing changes.
    const ImportRun again = runImport(db.conn, {tmp.path()}, settings);
    QCOMPARE(again.countOf(Outcome::Unchanged), 2);
    QCOMPARE(again.summary.imported, 0);
    QCOMPARE(db.conn
                 .exec(QStringLiteral("SELECT string_agg(c.id::text, ',' ORDER BY c.id) FROM "
                                      "quiver.chunks c JOIN quiver.documents d ON d.id = "
                                      "c.document_id WHERE d.path = $1"),
                       {b})
                 .text(0, 0),
             idsB);

    // Change only the last paragraph of a.txt.
    QString changed = longText(8, QStringLiteral("alpha"));
    changed.replace(QStringLiteral("names the paragraph 7 again"), QStringLiteral("was rewritten"));
    QVERIFY(fx::writeFile(a, changed.toUtf8()));
    const ImportRun third = runImport(db.conn, {tmp.path()}, settings);
    const ImportFileResult ra = third.get(a);
    QCOMPARE(ra.outcome, Outcome::Replaced);
    QCOMPARE(third.get(b).outcome, Outcome::Unchanged);
    // Only a.txt was re-chunked; b.txt kept its chunk rows.
    QCOMPARE(db.conn
                 .exec(QStringLiteral("SELECT string_agg(c.id::text, ',' ORDER BY c.id) FROM "
                                      "quiver.chunks c JOIN quiver.documents d ON d.id = "
                                      "c.document_id WHERE d.path = $1"),
                       {b})
                 .text(0, 0),
             idsB);
    const qint64 newChunks = db.count(QStringLiteral("SELECT count(*) FROM quiver.chunks c JOIN "
                                                     "quiver.documents d ON d.id = c.document_id "
                                                     "WHERE d.path = $1"),
                                      {a});
    const qint64 withEmbedding = db.count(
        QStringLiteral("SELECT count(DISTINCT c.id) FROM quiver.chunks c JOIN quiver.documents d "
                       "ON d.id = c.document_id JOIN quiver.embeddings e ON e.chunk_id = c.id "
                       "WHERE d.path = $1"),
        {a});
    // Every chunk but the changed one(s) at the end kept both models' vectors.
    QVERIFY2(withEmbedding >= newChunks - 2 && withEmbedding < newChunks,
             qPrintable(QStringLiteral("%1 of %2").arg(withEmbedding).arg(newChunks)));
    QCOMPARE(ra.reusedEmbeddings, withEmbedding * 2);
    QCOMPARE(
        db.count(QStringLiteral("SELECT count(*) FROM quiver.embeddings e JOIN quiver.chunks c "
                                "ON c.id = e.chunk_id JOIN quiver.documents d ON d.id = "
                                "c.document_id WHERE d.path = $1 AND e.model = 'model-b'"),
                 {a}),
        withEmbedding);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2);
}

void TestImporter::badInputsGetReasonsAndLoseNothing() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QDir dir(tmp.path() + QStringLiteral("/bad"));
    QVERIFY(QDir().mkpath(dir.path()));
    const auto put = [&dir](const QString& name, const QByteArray& bytes) {
        QVERIFY(fx::writeFile(dir.filePath(name), bytes));
    };
    put(QStringLiteral("good.txt"), "A perfectly good file.");
    // Stored earlier, it must survive the bad import untouched.
    QVERIFY(
        runImport(db.conn, {dir.filePath(QStringLiteral("good.txt"))}, {}, QStringLiteral("bad"))
            .summary.imported == 1);

    QByteArray binary(4096, '\0');
    for (int i = 0; i < binary.size(); ++i)
        binary[i] = char((i * 7919) % 251);
    put(QStringLiteral("image.bin"), binary);
    put(QStringLiteral("empty.txt"), {});
    put(QStringLiteral("huge.txt"), QByteArray(300 * 1024, 'a'));
    put(QStringLiteral("damaged.txt"), "caf\xc3\xa9 \xc3\x28 broken");
    put(QStringLiteral("locked.pdf"), fx::encryptedPdf());
    QByteArray broken = fx::pdf({QStringLiteral("x")});
    broken.truncate(80);
    put(QStringLiteral("broken.pdf"), broken);
    put(QStringLiteral("scan.pdf"), fx::imageOnlyPdf(QStringLiteral("Scanned words")));
    put(QStringLiteral("fake.docx"), "I am not a zip");
    put(QStringLiteral("bomb.docx"), fx::docxBomb(12));
    put(QStringLiteral("bomb.epub"),
        fx::epub({QString(9 * 1024 * 1024, QLatin1Char('z'))}, QStringLiteral("B")));
    put(QStringLiteral("secret.txt"), "no access");
    QFile::setPermissions(dir.filePath(QStringLiteral("secret.txt")), QFileDevice::Permissions());
    QVERIFY(QFile::link(dir.path(), dir.filePath(QStringLiteral("loop"))));
    put(QStringLiteral("fine.md"), "# Fine\n\nStill imported.");

    ImportSettings settings;
    settings.maxFileBytes = 256 * 1024;
    settings.maxDecompressedBytes = 8 * 1024 * 1024;
    settings.ocrEnabled = false;
    const ImportRun run = runImport(db.conn, {dir.path()}, settings);

    const auto expect = [&](const QString& name, Outcome outcome, const QString& reasonPart) {
        const ImportFileResult r = run.get(dir.filePath(name));
        QVERIFY2(r.outcome == outcome && r.reason.contains(reasonPart),
                 qPrintable(QStringLiteral("%1: %2").arg(name, r.describe())));
        // One line, naming the file.
        QVERIFY(!r.describe().contains(QLatin1Char('\n')));
        QVERIFY(r.describe().startsWith(dir.filePath(name)));
    };
    expect(QStringLiteral("image.bin"), Outcome::Skipped, QStringLiteral("binary file"));
    expect(QStringLiteral("empty.txt"), Outcome::Skipped, QStringLiteral("empty file"));
    expect(QStringLiteral("huge.txt"), Outcome::Skipped,
           QStringLiteral("larger than the import limit"));
    expect(QStringLiteral("damaged.txt"), Outcome::Failed, QStringLiteral("invalid UTF-8"));
    expect(QStringLiteral("locked.pdf"), Outcome::Failed, QStringLiteral("encrypted PDF"));
    expect(QStringLiteral("broken.pdf"), Outcome::Failed, QStringLiteral("broken PDF"));
    expect(QStringLiteral("scan.pdf"), Outcome::Failed, QStringLiteral("turn on OCR"));
    expect(QStringLiteral("fake.docx"), Outcome::Failed, QStringLiteral("not a zip archive"));
    expect(QStringLiteral("bomb.docx"), Outcome::Failed, QStringLiteral("zip bomb"));
    expect(QStringLiteral("bomb.epub"), Outcome::Failed, QStringLiteral("zip bomb"));
    expect(QStringLiteral("secret.txt"), Outcome::Failed, QStringLiteral("permission denied"));
    expect(QStringLiteral("loop"), Outcome::Skipped, QStringLiteral("symbolic link loop"));
    expect(QStringLiteral("good.txt"), Outcome::Unchanged, QString());
    expect(QStringLiteral("fine.md"), Outcome::Imported, QString());
    QCOMPARE(run.files.size(), 14);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2);
    QCOMPARE(
        db.count(QStringLiteral("SELECT count(*) FROM quiver.import_files WHERE state = 'failed'")),
        8);
    QFile::setPermissions(dir.filePath(QStringLiteral("secret.txt")),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void TestImporter::cancelledImportResumes() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QDir dir(tmp.path() + QStringLiteral("/many"));
    const int total = 400;
    QVERIFY(writeNumberedFiles(dir, total));
    ImportSettings settings;
    settings.readerThreads = 2;
    int imported = 0;
    Importer importer(db.conn, settings);
    QElapsedTimer sinceCancel;
    importer.onFile = [&](const ImportFileResult& r) {
        if (r.outcome == Outcome::Imported && ++imported == 50) {
            importer.cancel();
            sinceCancel.start();
        }
    };
    const ImportSummary first = importer.run({{dir.path()}, {}});
    QVERIFY(first.cancelled);
    QVERIFY2(sinceCancel.elapsed() < 1000, qPrintable(QString::number(sinceCancel.elapsed())));
    const qint64 stored = db.count(QStringLiteral("SELECT count(*) FROM quiver.documents"));
    QVERIFY(stored >= 50 && stored < total);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_files WHERE state = "
                                     "'imported'")),
             stored);
    QCOMPARE(db.count(QStringLiteral(
                 "SELECT count(*) FROM quiver.import_runs WHERE finished_at IS NULL")),
             1);

    const ImportRun second = runImport(db.conn, {dir.path()}, settings);
    QCOMPARE(second.summary.failed, 0);
    QCOMPARE(second.summary.imported + second.summary.unchanged, total);
    QCOMPARE(second.summary.imported, total - stored);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), total);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_runs")), 1); // resumed
    QCOMPARE(db.count(QStringLiteral(
                 "SELECT count(*) FROM quiver.import_runs WHERE finished_at IS NULL")),
             0);
}

void TestImporter::resumeRereadsFilesEditedSinceTheCancel() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QDir dir(tmp.path() + QStringLiteral("/many"));
    const int total = 400;
    QVERIFY(writeNumberedFiles(dir, total));
    ImportSettings settings;
    settings.readerThreads = 1;
    QStringList imported;
    Importer importer(db.conn, settings);
    importer.onFile = [&](const ImportFileResult& r) {
        if (r.outcome == Outcome::Imported) {
            imported.append(r.path);
            if (imported.size() == 20)
                importer.cancel();
        }
    };
    QVERIFY(importer.run({{dir.path()}, {}}).cancelled);
    QVERIFY(imported.size() >= 3);
    // One file grows; another keeps its size but gets new bytes and a later mtime.
    const QString grown = imported.at(0);
    const QString sameSize = imported.at(1);
    QVERIFY(fx::writeFile(grown, "edited after the cancel, and longer than before " +
                                     longText(2, QStringLiteral("grown")).toUtf8()));
    QFile sameSizeFile(sameSize);
    QVERIFY(sameSizeFile.open(QIODevice::ReadWrite));
    const QByteArray before = sameSizeFile.readAll();
    QByteArray after = before;
    after.replace(0, 6, "EDITED");
    QVERIFY(after != before);
    QVERIFY(sameSizeFile.seek(0));
    QCOMPARE(sameSizeFile.write(after), after.size());
    QVERIFY(sameSizeFile.flush());
    QVERIFY(sameSizeFile.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60),
                                     QFileDevice::FileModificationTime));
    sameSizeFile.close();

    const ImportRun second = runImport(db.conn, {dir.path()}, settings);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.import_runs")), 1); // resumed
    QCOMPARE(second.get(grown).outcome, Outcome::Replaced);
    QCOMPARE(second.get(sameSize).outcome, Outcome::Replaced);
    QCOMPARE(second.get(imported.at(2)).outcome, Outcome::Unchanged);
    QCOMPARE(db.count(QStringLiteral(
                 "SELECT count(DISTINCT d.id) FROM quiver.chunks c JOIN "
                 "quiver.documents d ON d.id = c.document_id WHERE c.text LIKE '%EDITED%' OR "
                 "c.text LIKE 'edited after the cancel%'")),
             2);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), total);
}

void TestImporter::namesCollections() {
    ImportDatabase db;
    QTemporaryDir tmp;
    QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("Folder One"))));
    QVERIFY(fx::writeFile(tmp.filePath(QStringLiteral("Folder One/x.txt")), "in folder"));
    QVERIFY(fx::writeFile(tmp.filePath(QStringLiteral("loose.txt")), "loose file"));
    const ImportRun run = runImport(db.conn, {tmp.filePath(QStringLiteral("Folder One")),
                                              tmp.filePath(QStringLiteral("loose.txt"))});
    QCOMPARE(run.summary.imported, 2);
    QCOMPARE(run.get(tmp.filePath(QStringLiteral("Folder One/x.txt"))).collection,
             QStringLiteral("Folder One"));
    QCOMPARE(run.get(tmp.filePath(QStringLiteral("loose.txt"))).collection,
             QStringLiteral("Inbox"));
    const ImportRun named = runImport(db.conn, {tmp.filePath(QStringLiteral("loose.txt"))}, {},
                                      QStringLiteral("Chosen"));
    QCOMPARE(named.files.first().collection, QStringLiteral("Chosen"));
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.collections")), 3);
}

void TestImporter::progressMovesInsideOneSlowFile() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QString scan = tmp.filePath(QStringLiteral("scan.pdf"));
    QVERIFY(fx::writeFile(scan, fx::imageOnlyPdf({QStringLiteral("First scanned page"),
                                                  QStringLiteral("Second scanned page"),
                                                  QStringLiteral("Third scanned page"),
                                                  QStringLiteral("Fourth scanned page")})));
    Importer importer(db.conn, {});
    QList<QPair<qint64, ImportProgress>> seen;
    QElapsedTimer clock;
    clock.start();
    importer.onProgress = [&](const ImportProgress& p) { seen.append({clock.elapsed(), p}); };
    const ImportSummary s = importer.run({{scan}, {}});
    QCOMPARE(s.imported, 1);
    QVERIFY(seen.size() >= 3);
    bool partial = false;
    for (qsizetype i = 1; i < seen.size(); ++i) {
        QVERIFY2(seen[i].first - seen[i - 1].first < 1000, "progress paused for a second");
        QVERIFY(seen[i].second.bytesDone >= seen[i - 1].second.bytesDone);
        const ImportProgress& p = seen[i].second;
        partial = partial || (p.filesDone == 0 && p.bytesDone > 0 && p.bytesDone < p.bytesTotal);
    }
    QVERIFY2(partial, "no progress was reported inside the file");
    QCOMPARE(seen.last().second.bytesDone, seen.last().second.bytesTotal);
    QCOMPARE(db.count(QStringLiteral("SELECT count(DISTINCT page) FROM quiver.chunks WHERE ocr")),
             4);
}

void TestImporter::fileDeletedBeforeItIsRead() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QString gone = tmp.filePath(QStringLiteral("gone.txt"));
    const QString kept = tmp.filePath(QStringLiteral("kept.txt"));
    QVERIFY(fx::writeFile(gone, "soon deleted"));
    QVERIFY(fx::writeFile(kept, "stays"));
    Importer importer(db.conn, {});
    QList<ImportFileResult> results;
    importer.onFile = [&](const ImportFileResult& r) { results.append(r); };
    // The first report after the walk comes before any file is read.
    importer.onProgress = [&](const ImportProgress& p) {
        if (!p.walking && p.filesDone == 0)
            QFile::remove(gone);
    };
    const ImportSummary s = importer.run({{tmp.path()}, {}});
    QCOMPARE(s.imported, 1);
    QCOMPARE(s.failed, 1);
    for (const ImportFileResult& r : std::as_const(results)) {
        if (r.path == gone)
            QVERIFY2(r.reason.contains(QLatin1String("deleted before it could be read")),
                     qPrintable(r.describe()));
    }
}

void TestImporter::watchModeRemovesDocumentsOfDeletedFiles() {
    ImportDatabase db;
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("Watched"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(fx::writeFile(dir + QStringLiteral("/a.txt"), "first"));
    QVERIFY(fx::writeFile(dir + QStringLiteral("/b.txt"), "second"));
    QVERIFY(fx::writeFile(tmp.filePath(QStringLiteral("outside.txt")), "elsewhere"));
    QCOMPARE(runImport(db.conn, {dir}).summary.imported, 2);
    QCOMPARE(runImport(db.conn, {tmp.filePath(QStringLiteral("outside.txt"))}, {},
                       QStringLiteral("Watched"))
                 .summary.imported,
             1);
    QVERIFY(QFile::remove(dir + QStringLiteral("/b.txt")));

    // A plain re-import keeps what it does not see; the watch mode removes it.
    QCOMPARE(runImport(db.conn, {dir}).summary.removed, 0);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 3);
    Importer importer(db.conn, {});
    QList<ImportFileResult> results;
    importer.onFile = [&](const ImportFileResult& r) { results.append(r); };
    Importer::Request request{{dir}, {}, true};
    const ImportSummary s = importer.run(request);
    QCOMPARE(s.removed, 1);
    QCOMPARE(s.unchanged, 1);
    bool reported = false;
    for (const ImportFileResult& r : std::as_const(results))
        reported =
            reported || (r.outcome == Outcome::Removed && r.path == dir + QStringLiteral("/b.txt"));
    QVERIFY(reported);
    // The file outside the watched folder stays, although it is in the same collection.
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 2);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents WHERE path = $1"),
                      {tmp.filePath(QStringLiteral("outside.txt"))}),
             1);
}

void TestImporter::unreadableFolderKeepsItsDocuments() {
    // Runs as an unprivileged user (ctest: UNPRIVILEGED): root reads any folder.
    if (::geteuid() == 0)
        QFAIL("run unprivileged (tests/harness/as_unprivileged.sh): as root no folder is "
              "unreadable");
    ImportDatabase db;
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("Shared"));
    const QString locked = dir + QStringLiteral("/locked");
    QVERIFY(QDir().mkpath(locked));
    QVERIFY(fx::writeFile(dir + QStringLiteral("/open.txt"), "open words"));
    QVERIFY(fx::writeFile(dir + QStringLiteral("/gone.txt"), "soon deleted"));
    QVERIFY(fx::writeFile(locked + QStringLiteral("/one.txt"), "first locked words"));
    QVERIFY(fx::writeFile(locked + QStringLiteral("/two.txt"), "second locked words"));
    Importer importer(db.conn, {});
    QCOMPARE(importer.run({{dir}, {}, true}).imported, 4);
    QVERIFY(QFile::remove(dir + QStringLiteral("/gone.txt")));

    // A subfolder that cannot be read says nothing of its files: they are kept, and why is said.
    const auto rw = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions{}));
    const ImportSummary s = importer.run({{dir}, {}, true});
    QVERIFY(QFile::setPermissions(locked, rw));
    QCOMPARE(s.removed, 1); // gone.txt, which really is gone
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents WHERE "
                                     "starts_with(path, $1)"),
                      {locked + QLatin1Char('/')}),
             2);
    QCOMPARE(s.removalRefusals.size(), 1);
    QCOMPARE(s.removalRefusals.first().root, locked);
    QVERIFY2(s.removalRefusals.first().reason.contains(QLatin1String("2 document(s) were kept")),
             qPrintable(s.removalRefusals.first().reason));

    // The root itself unreadable: nothing under it is removed.
    QVERIFY(QFile::remove(dir + QStringLiteral("/open.txt")));
    QVERIFY(QFile::setPermissions(dir, QFileDevice::Permissions{}));
    const ImportSummary root = importer.run({{dir}, {}, true});
    QVERIFY(QFile::setPermissions(dir, rw));
    QCOMPARE(root.removed, 0);
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.documents")), 3);
    QCOMPARE(root.removalRefusals.size(), 1);
    QVERIFY2(root.removalRefusals.first().reason.contains(QLatin1String("cannot be read")),
             qPrintable(root.removalRefusals.first().reason));
    QCOMPARE(db.count(QStringLiteral("SELECT count(*) FROM quiver.trash_documents")), 1);
}

QTEST_MAIN(TestImporter)
#include "tst_importer.moc"
