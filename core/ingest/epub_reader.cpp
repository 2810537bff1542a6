#include "core/ingest/epub_reader.h"

#include "core/ingest/guarded_xml_reader.h"
#include "core/ingest/html_text_extractor.h"
#include "core/ingest/read_context.h"
#include "core/ingest/read_error.h"
#include "core/ingest/xml_text_extractor.h"
#include "core/ingest/zip_container.h"

#include <QDir>
#include <QHash>
#include <QUrl>

namespace quiver {

namespace {

QString opfPath(ZipContainer& zip) {
    const QString part = QStringLiteral("META-INF/container.xml");
    GuardedXmlReader guarded(zip.read(part), part);
    QXmlStreamReader& reader = guarded.reader();
    while (!guarded.atEnd()) {
        if (guarded.readNext() == QXmlStreamReader::StartElement &&
            reader.name() == QLatin1String("rootfile"))
            return reader.attributes().value(QLatin1String("full-path")).toString();
    }
    throw ReadError(QStringLiteral("not a valid EPUB file: META-INF/container.xml names no "
                                   "package document"));
}

} // namespace

RawDocument EpubReader::read(const QByteArray& bytes, const ReadContext& context) const {
    ZipContainer zip(bytes, context.maxDecompressedBytes, QStringLiteral("EPUB"));
    const QString opf = opfPath(zip);
    const QByteArray opfXml = zip.read(opf);
    const QString base = opf.contains(QLatin1Char('/'))
                             ? opf.left(opf.lastIndexOf(QLatin1Char('/')) + 1)
                             : QString();
    QHash<QString, QString> manifest; // id -> href
    QStringList spine;
    GuardedXmlReader guarded(opfXml, opf, &context);
    QXmlStreamReader& reader = guarded.reader();
    while (!guarded.atEnd()) {
        if (guarded.readNext() != QXmlStreamReader::StartElement)
            continue;
        const auto attrs = reader.attributes();
        if (reader.name() == QLatin1String("item"))
            manifest.insert(attrs.value(QLatin1String("id")).toString(),
                            attrs.value(QLatin1String("href")).toString());
        else if (reader.name() == QLatin1String("itemref"))
            spine.append(attrs.value(QLatin1String("idref")).toString());
    }
    guarded.throwIfDamaged();
    if (spine.isEmpty())
        throw ReadError(QStringLiteral("not a valid EPUB file: its spine lists no content"));

    RawDocument doc;
    QString text;
    int done = 0;
    for (const QString& id : std::as_const(spine)) {
        context.checkCancelled();
        if (text.size() > context.maxTextChars) {
            doc.truncated = true;
            break;
        }
        const QString href = QUrl::fromPercentEncoding(manifest.value(id).toUtf8());
        if (href.isEmpty())
            continue;
        const QString part = QDir::cleanPath(base + href);
        const QByteArray xhtml = zip.read(part, false);
        const QString chapter = HtmlTextExtractor::extract(QString::fromUtf8(xhtml)).text;
        if (!chapter.isEmpty()) {
            if (!text.isEmpty())
                text.append(QStringLiteral("\n\n"));
            text.append(chapter);
        }
        context.progress(double(++done) / double(spine.size()));
    }
    doc.pages.append(text);
    doc.title = XmlTextExtractor::firstElementText(opfXml, QStringLiteral("title"), opf);
    return doc;
}

} // namespace quiver
