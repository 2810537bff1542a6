#include "tests/harness/ingest_fixtures.h"

#include <QBuffer>
#include <QFile>
#include <QFont>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <quazip.h>
#include <quazipfile.h>

namespace quiver::test::fixtures {

namespace {

QByteArray xmlEscape(const QString& s) {
    return s.toHtmlEscaped().toUtf8();
}

QByteArray coreXml(const QString& title) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
           "metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
           "<dc:title>" +
           xmlEscape(title) + "</dc:title></cp:coreProperties>";
}

QByteArray contentTypes(const QByteArray& mainPart, const QByteArray& mainType,
                        const QByteArray& extra = {}) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
           "<Default Extension=\"rels\" "
           "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
           "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
           "<Override PartName=\"/" +
           mainPart + "\" ContentType=\"" + mainType + "\"/>" + extra + "</Types>";
}

QByteArray rootRels(const QByteArray& mainPart) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
           "2006/relationships/officeDocument\" Target=\"" +
           mainPart + "\"/></Relationships>";
}

QByteArray odfPackage(const QByteArray& mime, const QByteArray& body, const QString& title) {
    const QByteArray content =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<office:document-content "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
        "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "
        "xmlns:presentation=\"urn:oasis:names:tc:opendocument:xmlns:presentation:1.0\">"
        "<office:body>" +
        body + "</office:body></office:document-content>";
    const QByteArray meta = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                            "<office:document-meta "
                            "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><office:meta>"
                            "<dc:title>" +
                            xmlEscape(title) + "</dc:title></office:meta></office:document-meta>";
    return zip({{QStringLiteral("mimetype"), mime},
                {QStringLiteral("content.xml"), content},
                {QStringLiteral("meta.xml"), meta}});
}

// A PDF written by hand: objects 1..n (1 the catalog), their cross-reference table and a trailer
// with extra entries, for what QPdfWriter cannot make.
QByteArray handWrittenPdf(const QList<QByteArray>& objects, const QByteArray& trailerExtra = {}) {
    QByteArray out = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    for (qsizetype i = 0; i < objects.size(); ++i) {
        offsets.append(out.size());
        out += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = out.size();
    out += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (qsizetype off : offsets)
        out += QByteArray::number(off).rightJustified(10, '0') + " 00000 n \n";
    out += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R" +
           trailerExtra + " >>\nstartxref\n" + QByteArray::number(xref) + "\n%%EOF\n";
    return out;
}

} // namespace

QByteArray pdf(const QStringList& pages, const QString& title) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(72);
        if (!title.isEmpty())
            writer.setTitle(title);
        QPainter painter(&writer);
        painter.setFont(QFont(QStringLiteral("DejaVu Sans"), 11));
        for (qsizetype i = 0; i < pages.size(); ++i) {
            if (i > 0)
                writer.newPage();
            painter.drawText(QRect(40, 40, 500, 760), Qt::TextWordWrap, pages[i]);
        }
    }
    return bytes;
}

QByteArray imageOnlyPdf(const QString& text) {
    return imageOnlyPdf(QStringList{text});
}

QByteArray imageOnlyPdf(const QStringList& pages) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(300);
        QPainter painter(&writer);
        for (qsizetype i = 0; i < pages.size(); ++i) {
            if (i > 0)
                writer.newPage();
            // A clean, large rendering: what a decent scanner makes of a printed page.
            QImage image(2000, 600, QImage::Format_RGB32);
            image.fill(Qt::white);
            {
                QPainter p(&image);
                p.setPen(Qt::black);
                p.setFont(QFont(QStringLiteral("DejaVu Sans"), 48));
                p.drawText(image.rect().adjusted(60, 60, -60, -60), Qt::TextWordWrap, pages[i]);
            }
            painter.drawImage(QRect(0, 0, 2000, 600), image);
        }
    }
    return bytes;
}

QByteArray encryptedPdf() {
    // The Standard security handler with an /U entry no empty password can produce: readers
    // must ask for the user password.
    return handWrittenPdf(
        {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
         "<< /Filter /Standard /V 1 /R 2 /P -4 "
         "/O <0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20> "
         "/U <a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0> >>"},
        " /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> "
        "<00112233445566778899aabbccddeeff>]");
}

QByteArray zip(const QList<QPair<QString, QByteArray>>& entries) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    QuaZip archive(&buffer);
    if (!archive.open(QuaZip::mdCreate))
        return {};
    for (const auto& [name, content] : entries) {
        QuaZipFile file(&archive);
        // The ODF and EPUB mimetype entry must be stored, not deflated.
        const bool store = name == QLatin1String("mimetype");
        if (!file.open(QIODevice::WriteOnly, QuaZipNewInfo(name), nullptr, 0,
                       store ? 0 : Z_DEFLATED, store ? 0 : Z_BEST_COMPRESSION))
            return {};
        file.write(content);
        file.close();
    }
    archive.close();
    return bytes;
}

QByteArray docx(const QStringList& paragraphs, const QString& title) {
    QByteArray body;
    for (const QString& p : paragraphs)
        body += "<w:p><w:r><w:t xml:space=\"preserve\">" + xmlEscape(p) + "</w:t></w:r></w:p>";
    const QByteArray document =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body>" +
        body + "</w:body></w:document>";
    return zip({{QStringLiteral("[Content_Types].xml"),
                 contentTypes("word/document.xml",
                              "application/vnd.openxmlformats-officedocument.wordprocessingml."
                              "document.main+xml")},
                {QStringLiteral("_rels/.rels"), rootRels("word/document.xml")},
                {QStringLiteral("word/document.xml"), document},
                {QStringLiteral("docProps/core.xml"), coreXml(title)}});
}

QByteArray pptx(const QStringList& slides, const QString& title) {
    QList<QPair<QString, QByteArray>> entries;
    QByteArray overrides;
    for (qsizetype i = 0; i < slides.size(); ++i) {
        const QByteArray n = QByteArray::number(i + 1);
        overrides += "<Override PartName=\"/ppt/slides/slide" + n +
                     ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument."
                     "presentationml.slide+xml\"/>";
        entries.append({QStringLiteral("ppt/slides/slide%1.xml").arg(i + 1),
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/"
                        "main\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
                        "<p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>" +
                            xmlEscape(slides[i]) +
                            "</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"});
    }
    entries.prepend({QStringLiteral("ppt/presentation.xml"),
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><p:presentation "
                     "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>"});
    entries.prepend({QStringLiteral("_rels/.rels"), rootRels("ppt/presentation.xml")});
    entries.prepend({QStringLiteral("[Content_Types].xml"),
                     contentTypes("ppt/presentation.xml",
                                  "application/vnd.openxmlformats-officedocument.presentationml."
                                  "presentation.main+xml",
                                  overrides)});
    entries.append({QStringLiteral("docProps/core.xml"), coreXml(title)});
    return zip(entries);
}

QByteArray odt(const QStringList& paragraphs, const QString& title) {
    QByteArray body = "<office:text>";
    for (const QString& p : paragraphs)
        body += "<text:p>" + xmlEscape(p) + "</text:p>";
    body += "</office:text>";
    return odfPackage("application/vnd.oasis.opendocument.text", body, title);
}

QByteArray odp(const QStringList& slides, const QString& title) {
    QByteArray body = "<office:presentation>";
    for (const QString& s : slides)
        body += "<draw:page><draw:frame><draw:text-box><text:p>" + xmlEscape(s) +
                "</text:p></draw:text-box></draw:frame></draw:page>";
    body += "</office:presentation>";
    return odfPackage("application/vnd.oasis.opendocument.presentation", body, title);
}

QByteArray epub(const QStringList& chapters, const QString& title) {
    QList<QPair<QString, QByteArray>> entries;
    entries.append({QStringLiteral("mimetype"), "application/epub+zip"});
    entries.append({QStringLiteral("META-INF/container.xml"),
                    "<?xml version=\"1.0\"?><container version=\"1.0\" "
                    "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
                    "<rootfile full-path=\"OEBPS/content.opf\" "
                    "media-type=\"application/oebps-package+xml\"/></rootfiles></container>"});
    QByteArray manifest;
    QByteArray spine;
    for (qsizetype i = 0; i < chapters.size(); ++i) {
        const QByteArray n = QByteArray::number(i + 1);
        manifest += "<item id=\"c" + n + "\" href=\"chapter" + n +
                    ".xhtml\" media-type=\"application/xhtml+xml\"/>";
        spine += "<itemref idref=\"c" + n + "\"/>";
        entries.append({QStringLiteral("OEBPS/chapter%1.xhtml").arg(i + 1),
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>Chapter " +
                            n + "</title><style>p { color: red; }</style></head><body><p>" +
                            xmlEscape(chapters[i]) + "</p></body></html>"});
    }
    entries.append({QStringLiteral("OEBPS/content.opf"),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\">"
                    "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>" +
                        xmlEscape(title) + "</dc:title></metadata><manifest>" + manifest +
                        "</manifest><spine>" + spine + "</spine></package>"});
    return zip(entries);
}

QByteArray docxBomb(int megabytes) {
    return docxDocumentXml({}, megabytes);
}

QByteArray docxDocumentXml(const QByteArray& documentXml, int paddingMegabytes) {
    // The padding is written a mebibyte at a time, so that a bomb of hundreds of MiB costs the
    // test no more memory than its compressed size.
    const QByteArray head = "<?xml version=\"1.0\"?><w:document "
                            "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
                            "main\"><w:body><w:p><w:r><w:t>";
    const QByteArray tail = "</w:t></w:r></w:p></w:body></w:document>";
    QByteArray bytes;
    QBuffer buffer(&bytes);
    QuaZip archive(&buffer);
    if (!archive.open(QuaZip::mdCreate))
        return {};
    const auto add = [&archive](const QString& name, const auto& write) {
        QuaZipFile file(&archive);
        if (!file.open(QIODevice::WriteOnly, QuaZipNewInfo(name), nullptr, 0, Z_DEFLATED,
                       Z_BEST_COMPRESSION))
            return false;
        write(file);
        file.close();
        return true;
    };
    add(QStringLiteral("[Content_Types].xml"), [](QuaZipFile& f) {
        f.write(contentTypes("word/document.xml",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml."
                             "document.main+xml"));
    });
    add(QStringLiteral("_rels/.rels"),
        [](QuaZipFile& f) { f.write(rootRels("word/document.xml")); });
    add(QStringLiteral("word/document.xml"), [&](QuaZipFile& f) {
        if (!documentXml.isEmpty()) {
            f.write(documentXml);
            return;
        }
        f.write(head);
        const QByteArray spaces(1024 * 1024, ' ');
        for (int i = 0; i < paddingMegabytes; ++i)
            f.write(spaces);
        f.write(tail);
    });
    archive.close();
    return bytes;
}

QByteArray odtBody(const QByteArray& bodyXml, const QString& title) {
    return odfPackage("application/vnd.oasis.opendocument.text", bodyXml, title);
}

QByteArray hugePagePdf(double widthPoints, double heightPoints) {
    // One page, no content: nothing for poppler to find, everything for OCR to render.
    return handWrittenPdf(
        {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + QByteArray::number(widthPoints) + " " +
             QByteArray::number(heightPoints) + "] /Resources << >> >>"});
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace quiver::test::fixtures
