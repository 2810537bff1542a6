#include "core/ingest/document_reader.h"
#include "core/ingest/page_rasterizer.h"
#include "core/ingest/read_error.h"
#include "tests/harness/ingest_fixtures.h"

#include <QElapsedTimer>
#include <QtTest>

#include <poppler-qt6.h>

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
    void plainTextTitleIsItsHeadingLine() {
        // A first line standing alone above the text is its title.
        const auto d = readAs("  Minutes of the\tspring meeting \r\n\r\nWe met on Tuesday.\n",
                              QStringLiteral("/x/2024-04-02.txt"));
        QCOMPARE(d.title, QStringLiteral("Minutes of the spring meeting"));
        // A first sentence, a long line, a rule or a lone line are no titles.
        for (const QByteArray& text :
             {QByteArray("We met on Tuesday.\n\nThe budget was approved.\n"),
              QByteArray(120, 'w') + "\n\nmore\n", QByteArray("-----\n\nmore\n"),
              QByteArray("just one line\n"), QByteArray("Dear Ann,\n\nthank you\n")})
            QCOMPARE(readAs(text, QStringLiteral("/x/notes.txt")).title, QStringLiteral("notes"));
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

    void htmlKnowsEveryNamedEntity() {
        const auto d = readAs("<html><body><p>Espa&ntilde;a, gar&ccedil;on, &Auml;rger, "
                              "&eacute;t&#233; &#xE9;t&#XE9; &#128512; &check; &amp &lt;x&gt; "
                              "&NotAnEntity; &#0; &#x110000;</p></body></html>",
                              QStringLiteral("e.html"));
        QCOMPARE(d.format, DocumentFormat::Html);
        // Numeric references to nothing become U+FFFD, as in browsers; unknown names stay.
        QCOMPARE(d.text, QStringLiteral("Espa\u00f1a, gar\u00e7on, \u00c4rger, \u00e9t\u00e9 "
                                        "\u00e9t\u00e9 \U0001F600 \u2713 & <x> &NotAnEntity; "
                                        "\ufffd \ufffd"));
    }
    void htmlOfThreeMegabytesOfAmpersandsIsLinear() {
        // Each '&' once made the old decoder scan to the end of the text: hours for this file.
        const QByteArray amps(3 * 1024 * 1024, '&');
        QElapsedTimer timer;
        timer.start();
        const auto d =
            readAs("<html><body><p>" + amps + "</p></body></html>", QStringLiteral("amp.html"));
        QCOMPARE(d.text, QString::fromLatin1(amps));
        QVERIFY2(timer.elapsed() < 60'000, qPrintable(QString::number(timer.elapsed())));
    }
    void xhtmlSelfClosingScriptHidesNothing() {
        const auto d = readAs("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
                              "<head><title>T</title><script src=\"a.js\"/></head><body>"
                              "<p>after the script</p><script>document.write(\"<p>no</p>\")"
                              "</script><p>and more</p></body></html>",
                              QStringLiteral("c.xhtml"));
        QCOMPARE(d.text, QStringLiteral("after the script\n\nand more"));
        QCOMPARE(d.title, QStringLiteral("T"));
    }
    void odfSpacesAreCountedAndCapped() {
        const auto d = readAs(fx::odtBody("<office:text><text:p>a<text:s text:c=\"3\"/>b"
                                          "<text:s/>c<text:s text:c=\"2147483647\"/>d"
                                          "<text:s text:c=\"-5\"/>e<text:s text:c=\"x\"/>f"
                                          "</text:p></office:text>"),
                              QStringLiteral("s.odt"));
        QCOMPARE(d.text, QStringLiteral("a   b c") + QString(1000, QLatin1Char(' ')) +
                             QStringLiteral("d e f"));
    }
    void hostileXmlIsRefused() {
        const QByteArray laughs =
            "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\">"
            "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;"
            "&b;&b;\">]><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
            "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&c;&c;&c;</w:t></w:r></w:p>"
            "</w:body></w:document>";
        const QString entities = refusal(fx::docxDocumentXml(laughs), QStringLiteral("l.docx"));
        QVERIFY2(entities.contains(QLatin1String("declares entities")), qPrintable(entities));

        QByteArray attributes = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas."
                                "openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p ";
        for (int i = 0; i < 100'000; ++i)
            attributes += "a" + QByteArray::number(i) + "=\"\" ";
        attributes += "><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>";
        QElapsedTimer timer;
        timer.start();
        const QString many = refusal(fx::docxDocumentXml(attributes), QStringLiteral("a.docx"));
        QVERIFY2(many.contains(QLatin1String("more than 256 attributes")), qPrintable(many));
        QVERIFY2(timer.elapsed() < 60'000, qPrintable(QString::number(timer.elapsed())));
    }
    void markdownTooDeepOrTooBracketedIsPlainText() {
        QByteArray deep = QByteArray("> ").repeated(5000) + "deep words\n";
        deep += QByteArray("lazy line\n").repeated(2000);
        const auto d = readAs(deep, QStringLiteral("deep.md"));
        QVERIFY2(d.warnings.join(QLatin1Char('\n')).contains(QLatin1String("read as plain text")),
                 qPrintable(d.warnings.join(QLatin1Char('\n'))));
        QVERIFY(d.text.contains(QLatin1String("deep words")));

        // cmark 0.30.2 takes about a minute on this one, and grows faster than quadratically.
        QElapsedTimer timer;
        timer.start();
        const auto b = readAs("# Links\n\n" + QByteArray("![[]()").repeated(40'000) + "\n",
                              QStringLiteral("brackets.md"));
        QVERIFY(b.warnings.join(QLatin1Char('\n')).contains(QLatin1String("brackets")));
        QVERIFY2(timer.elapsed() < 60'000, qPrintable(QString::number(timer.elapsed())));

        // Ordinary Markdown is still Markdown.
        const auto ok = readAs("# Title\n\n> quoted *text*\n", QStringLiteral("ok.md"));
        QVERIFY(ok.warnings.isEmpty());
        QCOMPARE(ok.text, QStringLiteral("Title\n\nquoted text"));
    }
    void textIsCutAtTheLimit() {
        ReadContext ctx;
        ctx.maxTextChars = 1000;
        const QByteArray text = QByteArray("word ").repeated(2000);
        const ExtractedDocument d = DocumentReader::read(text, QStringLiteral("long.txt"), ctx);
        QCOMPARE(d.text.size(), 1000);
        QVERIFY(d.truncated);
        QVERIFY(d.warnings.join(QLatin1Char('\n')).contains(QLatin1String("text cut at 1000")));
        // The same in a reader that stops early: pages after the limit are not read at all.
        const QByteArray pdf =
            fx::pdf(QStringList(40, QString(QStringLiteral("page text ")).repeated(20)));
        const ExtractedDocument p = DocumentReader::read(pdf, QStringLiteral("long.pdf"), ctx);
        QVERIFY(p.truncated);
        QVERIFY(p.text.size() <= 1000);
        QVERIFY(p.pageCount() < 40);
        const ExtractedDocument whole = readAs(text, QStringLiteral("long.txt"));
        QVERIFY(!whole.truncated);
        QVERIFY(whole.warnings.isEmpty());
    }
    void ocrRendersHugePagesWithinThePixelBudget() {
        QCOMPARE(PageRasterizer::dpiFor(QSizeF(595, 842)), 300.0); // A4
        QCOMPARE(PageRasterizer::dpiFor(QSizeF(0, 842)), 0.0);
        for (const QSizeF points : {QSizeF(14400, 14400), QSizeF(200000, 300), QSizeF(3e6, 3e6)}) {
            const double dpi = PageRasterizer::dpiFor(points);
            const double pixels = points.width() / 72 * dpi * points.height() / 72 * dpi;
            QVERIFY2(dpi > 0 && dpi < 300 && pixels <= double(PageRasterizer::maxPixels) &&
                         pixels > 0.9 * double(PageRasterizer::maxPixels),
                     qPrintable(QStringLiteral("%1 dpi, %2 pixels").arg(dpi).arg(pixels)));
        }
        // A 200-inch-square page: 3.6 gigapixels at 300 dpi, rendered at under 40 megapixels.
        const std::unique_ptr<Poppler::Document> pdf =
            Poppler::Document::loadFromData(fx::hugePagePdf(14400, 14400));
        QVERIFY(pdf);
        const std::unique_ptr<Poppler::Page> page = pdf->page(0);
        QVERIFY(page);
        const ReadContext ctx;
        const PageRasterizer raster(*page, ctx);
        const qint64 pixels = qint64(raster.image().width()) * raster.image().height();
        QVERIFY2(pixels > 0 && pixels <= PageRasterizer::maxPixels,
                 qPrintable(QString::number(pixels)));
    }
};

QTEST_MAIN(TestDocumentReader)
#include "tst_document_reader.moc"
