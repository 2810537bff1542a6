// Real parts: the quiver-reader program of this build (QUIVER_READER_PROGRAM), started and
// spoken to by ReaderClient over its real stream, with its real limits. Test files whose first
// line is ReaderService::kTestHookPrefix make it crash, hang, exhaust memory, probe its sandbox
// or answer with garbage; the helper honours them only because this test sets
// QUIVER_READER_TEST_HOOKS.

#include "core/ingest/document_reader.h"
#include "core/ingest/read_error.h"
#include "core/ingest/reader_client.h"
#include "core/ingest/reader_protocol.h"
#include "core/ingest/reader_sandbox.h"
#include "core/ingest/reader_service.h"
#include "tests/harness/ingest_fixtures.h"

#include <QtTest>

#include <atomic>
#include <optional>
#include <thread>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

using namespace quiver;
namespace fx = quiver::test::fixtures;

namespace {

QByteArray hook(const char* what) {
    return QByteArray(ReaderService::kTestHookPrefix) + what + "\n";
}

ReadContext contextFor(int deadlineSeconds = 60) {
    ReadContext ctx;
    ctx.deadlineSeconds = deadlineSeconds;
    ctx.deadline = QDeadlineTimer(qint64(deadlineSeconds) * 1000);
    ctx.ocrEnabled = false;
    return ctx;
}

// The reason the read failed with; empty when it did not fail.
QString failure(ReaderClient& client, const QByteArray& bytes, const QString& name,
                const ReadContext& ctx) {
    try {
        client.read(bytes, name, ctx);
    } catch (const ReadError& e) {
        return e.reason();
    }
    return {};
}

ReaderClient::Options options(qint64 memory = 1LL << 30) {
    return {{}, memory};
}

} // namespace

class TestReaderClient : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsAsInProcessAndKeepsItsHelper();
    void refusalsKeepTheirReason();
    void crashFailsThatFileAndRestarts();
    void hangIsStoppedAtTheDeadline();
    void memoryExhaustionIsNamed();
    void networkAndProcessesAreRefused();
    void malformedAnswersAreRefused();
    void missingHelperFailsLoudly();
    void cancelKillsABusyHelper();
    void protocolRefusesMalformedFrames();
};

void TestReaderClient::initTestCase() {
    qputenv("QUIVER_READER_TEST_HOOKS", "1");
    QVERIFY2(QFileInfo(ReaderClient::locateProgram()).isExecutable(),
             qPrintable(ReaderClient::locateProgram()));
}

void TestReaderClient::readsAsInProcessAndKeepsItsHelper() {
    ReaderClient client(options());
    const ReadContext ctx = contextFor();
    const QByteArray pdf = fx::pdf(
        {QStringLiteral("First page about herons."), QStringLiteral("Second page about egrets.")},
        QStringLiteral("Wading birds"));
    const ExtractedDocument out = client.read(pdf, QStringLiteral("/some/dir/birds.pdf"), ctx);
    const ExtractedDocument in = DocumentReader::read(pdf, QStringLiteral("birds.pdf"), ctx);
    QCOMPARE(out.text, in.text);
    QCOMPARE(out.title, in.title);
    QCOMPARE(out.format, DocumentFormat::Pdf);
    QCOMPARE(out.pageStarts, in.pageStarts);
    QCOMPARE(out.ocrPages, in.ocrPages);
    QCOMPARE(out.mime, in.mime);
    const qint64 pid = client.processId();
    QVERIFY(pid > 0);

    // The same helper reads the next file; the title falls back to the file's own name.
    const ExtractedDocument text =
        client.read("caf\xc3\xa9 and tea\n", QStringLiteral("/x/Menu card.txt"), ctx);
    QCOMPARE(text.text, QStringLiteral("caf\u00e9 and tea"));
    QCOMPARE(text.title, QStringLiteral("Menu card"));
    QCOMPARE(client.processId(), pid);
}

void TestReaderClient::refusalsKeepTheirReason() {
    ReaderClient client(options());
    const ReadContext ctx = contextFor();
    try {
        client.read(QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(64, '\0'),
                    QStringLiteral("picture.png"), ctx);
        QFAIL("a picture was read");
    } catch (const ReadError& e) {
        QVERIFY(e.deliberate());
        QVERIFY(!e.reason().isEmpty());
    }
    QCOMPARE(failure(client, fx::encryptedPdf(), QStringLiteral("locked.pdf"), ctx), [&] {
        try {
            DocumentReader::read(fx::encryptedPdf(), QStringLiteral("locked.pdf"), ctx);
        } catch (const ReadError& e) {
            return e.reason();
        }
        return QString();
    }());
}

void TestReaderClient::crashFailsThatFileAndRestarts() {
    ReaderClient client(options());
    const ReadContext ctx = contextFor();
    QVERIFY(!client.read("warm up\n", QStringLiteral("a.txt"), ctx).text.isEmpty());
    const qint64 first = client.processId();
    const QString reason = failure(client, hook("crash"), QStringLiteral("crash.txt"), ctx);
    QVERIFY2(reason.startsWith(QLatin1String("the PDF reader crashed on page 3 (")),
             qPrintable(reason));
    QCOMPARE(client.processId(), -1);
    // The next file gets a fresh helper.
    QCOMPARE(client.read("after the crash\n", QStringLiteral("b.txt"), ctx).text,
             QStringLiteral("after the crash"));
    QVERIFY(client.processId() > 0);
    QVERIFY(client.processId() != first);
}

void TestReaderClient::hangIsStoppedAtTheDeadline() {
    ReaderClient client(options());
    const QString reason = failure(client, hook("hang"), QStringLiteral("hang.txt"), contextFor(1));
    QVERIFY2(reason.startsWith(QLatin1String("reading it took longer than its 1 s limit: the PDF "
                                             "reader stopped responding on page 3")),
             qPrintable(reason));
    QCOMPARE(client.read("still reading\n", QStringLiteral("c.txt"), contextFor()).text,
             QStringLiteral("still reading"));
}

void TestReaderClient::memoryExhaustionIsNamed() {
    ReaderClient client(options(256LL << 20));
    const ReadContext ctx = contextFor();
    QVERIFY(!client.read("warm up\n", QStringLiteral("a.txt"), ctx).text.isEmpty());
    QVERIFY(client.sandbox().has_value());
    if (!ReaderSandbox::memoryLimitSupported()) {
        // Sanitizer build: the limit cannot work, and says so instead of pretending.
        QCOMPARE(client.sandbox()->memoryLimitBytes, 0);
        QVERIFY2(client.sandbox()->memoryNote.contains(QLatin1String("sanitizer")),
                 qPrintable(client.sandbox()->memoryNote));
        QCOMPARE(failure(client, hook("allocate"), QStringLiteral("big.txt"), ctx),
                 QStringLiteral("no memory limit in force to exceed"));
        return;
    }
    QCOMPARE(client.sandbox()->memoryLimitBytes, 256LL << 20);
    const QString reason = failure(client, hook("allocate"), QStringLiteral("big.txt"), ctx);
    QVERIFY2(reason.startsWith(
                 QLatin1String("the PDF reader exceeded its 256 MiB memory limit on page 3;")),
             qPrintable(reason));
    QCOMPARE(client.read("after the limit\n", QStringLiteral("d.txt"), ctx).text,
             QStringLiteral("after the limit"));
}

void TestReaderClient::networkAndProcessesAreRefused() {
#ifndef Q_OS_LINUX
    QSKIP("the system-call filter is Linux's");
#else
    ReaderClient client(options());
    const QString text = client.read(hook("probe"), QStringLiteral("probe.txt"), contextFor()).text;
    QVERIFY2(client.sandbox()->syscallFilter, qPrintable(client.sandbox()->syscallNote));
    for (const char* expected :
         {"socket(AF_INET): refused (Operation not permitted)", "socket(AF_UNIX): allowed",
          "connect: refused (Operation not permitted)", "fork: refused (Operation not permitted)",
          "exec: refused (Operation not permitted)", "thread: ran", "filter: on"})
        QVERIFY2(text.contains(QLatin1String(expected)),
                 qPrintable(QLatin1String(expected) + QStringLiteral(": ") + text));
#endif
}

void TestReaderClient::malformedAnswersAreRefused() {
    ReaderClient client(options());
    const QString reason = failure(client, hook("garbage"), QStringLiteral("g.txt"), contextFor());
    QVERIFY2(reason.startsWith(QLatin1String("the PDF reader sent back a malformed document")),
             qPrintable(reason));
    QCOMPARE(client.read("fine again\n", QStringLiteral("e.txt"), contextFor()).text,
             QStringLiteral("fine again"));
}

void TestReaderClient::missingHelperFailsLoudly() {
    ReaderClient client({QStringLiteral("/nonexistent/quiver-reader"), 1LL << 30});
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("could not be started")));
    const QString reason = failure(client, "text\n", QStringLiteral("a.txt"), contextFor());
    QVERIFY2(reason.contains(QLatin1String("the document reader could not be started")) &&
                 reason.contains(QLatin1String("/nonexistent/quiver-reader")),
             qPrintable(reason));
    // And every later file the same way, without trying again.
    QCOMPARE(failure(client, "text\n", QStringLiteral("b.txt"), contextFor()), reason);
}

void TestReaderClient::cancelKillsABusyHelper() {
    std::atomic<bool> cancelled{false};
    std::atomic<qint64> busyPid{-1};
    std::atomic<bool> done{false};
    std::atomic<bool> sawCancel{false};
    std::thread reader([&]() {
        ReaderClient client(options());
        // Ten minutes: only the cancel can end this read within the test's wait.
        ReadContext ctx = contextFor(600);
        ctx.cancelled = &cancelled;
        ctx.onProgress = [&](double) { busyPid.store(client.processId()); };
        try {
            client.read(hook("hang"), QStringLiteral("hang.txt"), ctx);
        } catch (const ReadCancelled&) {
            sawCancel.store(true);
        } catch (const ReadError&) {
        }
        done.store(true);
    });
    QTRY_VERIFY_WITH_TIMEOUT(busyPid.load() > 0, 60'000); // the helper is in the hang
    const qint64 pid = busyPid.load();
    cancelled.store(true);
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 120'000);
    reader.join();
    QVERIFY(sawCancel.load());
#ifdef Q_OS_UNIX
    // Killed and reaped: the process is gone.
    const int gone = ::kill(pid_t(pid), 0);
    const int error = errno;
    QCOMPARE(gone, -1);
    QCOMPARE(error, ESRCH);
#endif
}

void TestReaderClient::protocolRefusesMalformedFrames() {
    using namespace reader;
    MessageType type{};
    qint64 length = 0;
    const QByteArray big = frame(MessageType::Document, QByteArray(100, 'x'));
    QVERIFY(parseHeader(big.constData(), 100, type, length));
    QCOMPARE(length, 100);
    QVERIFY(!parseHeader(big.constData(), 99, type, length));
    QByteArray unknown = big;
    unknown[0] = 'Z';
    QVERIFY(!parseHeader(unknown.constData(), 1000, type, length));

    ReadRequest q;
    q.fileName = QStringLiteral("a.txt");
    q.bytes = "hello";
    q.ocrLanguage = QStringLiteral("eng+deu");
    q.maxDecompressedBytes = 1 << 20;
    q.maxTextChars = 1000;
    q.deadlineSeconds = 5;
    q.cpuSeconds = 5;
    QVERIFY(decodeRead(encodeRead(q)).has_value());
    const QByteArray good = encodeRead(q);
    for (qsizetype cut = 0; cut < good.size(); ++cut)
        QVERIFY(!decodeRead(good.left(cut)).has_value());
    QVERIFY(!decodeRead(good + 'x').has_value());
    ReadRequest bad = q;
    bad.ocrLanguage = QStringLiteral("../../etc/x");
    QVERIFY(!decodeRead(encodeRead(bad)).has_value());
    bad = q;
    bad.fileName = QStringLiteral("dir/a.txt");
    QVERIFY(!decodeRead(encodeRead(bad)).has_value());

    ExtractedDocument doc;
    doc.format = DocumentFormat::Pdf;
    doc.title = QStringLiteral("T");
    doc.text = QStringLiteral("one\n\ntwo");
    doc.pageStarts = {0, 5};
    doc.ocrPages = {false, true};
    QString error;
    const std::optional<ExtractedDocument> back = decodeDocument(encodeDocument(doc), 100, &error);
    QVERIFY2(back.has_value(), qPrintable(error));
    QCOMPARE(back->pageStarts, doc.pageStarts);
    QCOMPARE(back->ocrPages, doc.ocrPages);
    QVERIFY(!decodeDocument(encodeDocument(doc), 3, &error).has_value()); // over the text limit
    ExtractedDocument outside = doc;
    outside.pageStarts = {5, 0};
    QVERIFY(!decodeDocument(encodeDocument(outside), 100, &error).has_value());
    // Not UTF-8 in the text.
    QByteArray payload = encodeDocument(doc);
    const qsizetype at = payload.indexOf("two");
    payload[at] = char(0xff);
    QVERIFY(!decodeDocument(payload, 100, &error).has_value());
    for (qsizetype cut = 0; cut < encodeDocument(doc).size(); ++cut)
        QVERIFY(!decodeDocument(encodeDocument(doc).left(cut), 100, &error).has_value());
}

QTEST_MAIN(TestReaderClient)
#include "tst_reader_client.moc"
