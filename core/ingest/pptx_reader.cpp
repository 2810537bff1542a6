#include "core/ingest/pptx_reader.h"

#include "core/ingest/read_context.h"
#include "core/ingest/read_error.h"
#include "core/ingest/xml_text_extractor.h"
#include "core/ingest/zip_container.h"

#include <QRegularExpression>

#include <map>

namespace quiver {

RawDocument PptxReader::read(const QByteArray& bytes, const ReadContext& context) const {
    ZipContainer zip(bytes, context.maxDecompressedBytes, QStringLiteral("PPTX"));
    // Slides are numbered in their part names; order by number, not by name (slide10 > slide9).
    static const QRegularExpression slideName(QStringLiteral("^ppt/slides/slide(\\d+)\\.xml$"));
    std::map<int, QString> slides;
    for (const QString& name : zip.entries()) {
        const auto m = slideName.match(name);
        if (m.hasMatch())
            slides.emplace(m.captured(1).toInt(), name);
    }
    if (slides.empty())
        throw ReadError(QStringLiteral("not a valid PPTX file: it holds no slides"));
    XmlTextExtractor::Rules rules;
    rules.textElements = {QStringLiteral("t")};
    rules.paragraphElements = {QStringLiteral("p")};
    rules.breakElements = {QStringLiteral("br")};
    RawDocument doc;
    doc.paged = true;
    int done = 0;
    qint64 chars = 0;
    for (const auto& [number, part] : slides) {
        context.checkCancelled();
        if (chars > context.maxTextChars) {
            doc.truncated = true;
            break;
        }
        const XmlTextExtractor::Result slide =
            XmlTextExtractor::extract(zip.read(part), rules, part, context);
        doc.pages.append(slide.pages.join(QString()));
        doc.truncated = doc.truncated || slide.truncated;
        chars += doc.pages.last().size();
        context.progress(double(++done) / double(slides.size()));
    }
    const QString corePart = QStringLiteral("docProps/core.xml");
    const QByteArray core = zip.read(corePart, false);
    if (!core.isEmpty())
        doc.title = XmlTextExtractor::firstElementText(core, QStringLiteral("title"), corePart);
    return doc;
}

} // namespace quiver
