#include "core/ingest/document_reader.h"
#include "core/ingest/read_error.h"
#include "tests/harness/ingest_fixtures.h"

#include <QtTest>

using namespace quiver;
namespace fx = quiver::test::fixtures;

namespace {
ExtractedDocument readAs(const QByteArray& bytes, const QString& name, bool ocr = true) {
    ReadContext ctx;
    ctx.ocrEnabled = ocr;
    ctx.maxDecompressedBytes = 8 * 1024 * 1024;
    return DocumentReader::read(bytes, name, ctx);
}
// The reason a file is refused, or "" when it is read.
QString refusal(const QByteArray& bytes, const QString& name, bool ocr = true,
                bool* deliberate = nullptr) {
    try {
        readAs(bytes, name, ocr);
        return {};
    } catch (const ReadError& e) {
        if (deliberate)
            *deliberate = e.deliberate();
        return e.reason();
    }
}
} // namespace

class TestDocumentReader : public QObject {
    Q_OBJECT
private slots:
    void plainTextTitleIsFileName() {
        const auto d = readAs("first line\r\nsecond line\n", QStringLiteral("/x/notes.txt"));
        QCOMPARE(d.format, DocumentFormat::Text);
        QCOMPARE(d.text, QStringLiteral("first line\nsecond line"));
        QCOMPARE(d.title, QStringLiteral("notes"));
        QCOMPARE(d.pageCount(), 0);
    }
    void csvAndJsonAreText() {
        QCOMPARE(readAs("name,age\nann,4\n", QStringLiteral("a.csv")).format, DocumentFormat::Text);
        const auto j = readAs("{\"k\": \"value\"}\n", QStringLiteral("a.json"));
        QCOMPARE(j.format, DocumentFormat::Text);
        QVERIFY(j.text.contains(QLatin1String("value")));
    }
    void markdownKeepsHeadingsAsText() {
        const auto d = readAs("# The *Title*\n\nSome **bold** text.\n\n## Part two\n\n- a\n- b\n",
                              QStringLiteral("doc.md"));
        QCOMPARE(d.format, DocumentFormat::Markdown);
        QCOMPARE(d.title, QStringLiteral("The Title"));
        QCOMPARE(d.text, QStringLiteral("The Title\n\nSome bold text.\n\nPart two\n\na\nb"));
    }
    void htmlVisibleTextOnly() {
        const auto d =
            readAs("<!DOCTYPE html><html><head><title> My  Page </title><style>p{x:1}</style>"
                   "<script>if (a < b) alert('no');</script></head><body><h1>Head</h1>"
                   "<p>One &amp; two&nbsp;&#x263A;</p><!-- hidden --><noscript>nojs</noscript>"
                   "<ul><li>x</li><li>y</li></ul></body></html>",
                   QStringLiteral("page.html"));
        QCOMPARE(d.format, DocumentFormat::Html);
        QCOMPARE(d.title, QStringLiteral("My Page"));
        QCOMPARE(d.text, QStringLiteral("Head\n\nOne & two \u263a\n\nx\ny"));
    }
    void pdfPagesAndTitle() {
        const auto d = readAs(fx::pdf({QStringLiteral("Alpha page words"), QStringLiteral(""),
                                       QStringLiteral("Gamma page words")},
                                      QStringLiteral("Report Title")),
                              QStringLiteral("r.pdf"), false);
        QCOMPARE(d.format, DocumentFormat::Pdf);
        QCOMPARE(d.title, QStringLiteral("Report Title"));
        QCOMPARE(d.pageCount(), 3);
        QVERIFY(d.text.contains(QLatin1String("Alpha page words")));
        const qsizetype gamma = d.text.indexOf(QLatin1String("Gamma"));
        QCOMPARE(d.pageAt(gamma), 3);
        QCOMPARE(d.pageAt(0), 1);
        QVERIFY(!d.anyOcr());
    }
    void scannedPdfIsReadByOcr() {
        const QByteArray scanned = fx::imageOnlyPdf(QStringLiteral("Quarterly harvest report"));
        const auto d = readAs(scanned, QStringLiteral("scan.pdf"), true);
        QVERIFY(d.anyOcr());
        QVERIFY2(d.text.contains(QLatin1String("harvest"), Qt::CaseInsensitive),
                 qPrintable(d.text));
        bool deliberate = true;
        const QString off = refusal(scanned, QStringLiteral("scan.pdf"), false, &deliberate);
        QVERIFY2(off.contains(QLatin1String("turn on OCR")), qPrintable(off));
        QVERIFY(!deliberate);
    }
    void officeFormats() {
        const auto docx = readAs(
            fx::docx({QStringLiteral("First paragraph."), QStringLiteral("Second paragraph.")},
                     QStringLiteral("Docx Title")),
            QStringLiteral("a.docx"));
        QCOMPARE(docx.format, DocumentFormat::Docx);
        QCOMPARE(docx.title, QStringLiteral("Docx Title"));
        QCOMPARE(docx.text, QStringLiteral("First paragraph.\n\nSecond paragraph."));

        const auto pptx =
            readAs(fx::pptx({QStringLiteral("Slide one"), QStringLiteral("Slide two")},
                            QStringLiteral("Deck")),
                   QStringLiteral("a.pptx"));
        QCOMPARE(pptx.format, DocumentFormat::Pptx);
        QCOMPARE(pptx.pageCount(), 2);
        QCOMPARE(pptx.pageAt(pptx.text.indexOf(QLatin1String("two"))), 2);
        QCOMPARE(pptx.title, QStringLiteral("Deck"));

        const auto odt = readAs(fx::odt({QStringLiteral("Odt para one"), QStringLiteral("Odt two")},
                                        QStringLiteral("Odt Title")),
                                QStringLiteral("a.odt"));
        QCOMPARE(odt.format, DocumentFormat::Odt);
        QCOMPARE(odt.text, QStringLiteral("Odt para one\n\nOdt two"));
        QCOMPARE(odt.title, QStringLiteral("Odt Title"));

        const auto odp = readAs(fx::odp({QStringLiteral("Odp first"), QStringLiteral("Odp second")},
                                        QStringLiteral("Odp Deck")),
                                QStringLiteral("a.odp"));
        QCOMPARE(odp.format, DocumentFormat::Odp);
        QCOMPARE(odp.pageCount(), 2);
        QCOMPARE(odp.pageAt(odp.text.indexOf(QLatin1String("second"))), 2);

        const auto epub = readAs(
            fx::epub({QStringLiteral("Call me Ishmael."), QStringLiteral("The second chapter.")},
                     QStringLiteral("A Book")),
            QStringLiteral("b.epub"));
        QCOMPARE(epub.format, DocumentFormat::Epub);
        QCOMPARE(epub.title, QStringLiteral("A Book"));
        QCOMPARE(epub.text, QStringLiteral("Call me Ishmael.\n\nThe second chapter."));
    }
    void contentWinsOverExtension() {
        // A PDF named .txt is still a PDF; a text file named .md is Markdown.
        const auto d = readAs(fx::pdf({QStringLiteral("hidden pdf")}), QStringLiteral("x.txt"));
        QCOMPARE(d.format, DocumentFormat::Pdf);
    }
    void badInputsGetReasons() {
        bool deliberate = false;
        QCOMPARE(refusal({}, QStringLiteral("e.txt"), true, &deliberate),
                 QStringLiteral("empty file (0 bytes)"));
        QVERIFY(deliberate);
        QByteArray binary(4096, '\0');
        for (int i = 0; i < binary.size(); ++i)
            binary[i] = char((i * 7919) % 251);
        QVERIFY(refusal(binary, QStringLiteral("b.bin"), true, &deliberate)
                    .startsWith(QLatin1String("binary file")));
        QVERIFY(deliberate);
        QVERIFY(refusal(fx::encryptedPdf(), QStringLiteral("s.pdf"), true, &deliberate)
                    .startsWith(QLatin1String("encrypted PDF")));
        QVERIFY(!deliberate);
        QByteArray broken = fx::pdf({QStringLiteral("x")});
        broken.truncate(60);
        const QString brokenReason = refusal(broken, QStringLiteral("broken.pdf"));
        QVERIFY2(brokenReason.startsWith(QLatin1String("broken PDF")), qPrintable(brokenReason));
        QVERIFY(refusal("just text", QStringLiteral("fake.docx"), true, &deliberate)
                    .startsWith(QLatin1String("not a valid .docx file")));
        QVERIFY(!deliberate);
        const QString bomb = refusal(fx::docxBomb(20), QStringLiteral("bomb.docx"));
        QVERIFY2(bomb.contains(QLatin1String("zip bomb")), qPrintable(bomb));
        QVERIFY(refusal("caf\xc3\xa9 \xc3\x28", QStringLiteral("u.txt"))
                    .startsWith(QLatin1String("invalid UTF-8")));
        QVERIFY(refusal(fx::docx({}), QStringLiteral("blank.docx"))
                    .startsWith(QLatin1String("no text found")));
    }
};

QTEST_MAIN(TestDocumentReader)
#include "tst_document_reader.moc"
