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
    for (const auto& [number, part] : slides) {
        context.checkCancelled();
        doc.pages.append(XmlTextExtractor::extract(zip.read(part), rules, part).join(QString()));
        context.progress(double(++done) / double(slides.size()));
    }
    const QByteArray core = zip.read(QStringLiteral("docProps/core.xml"), false);
    if (!core.isEmpty())
        doc.title = XmlTextExtractor::firstElementText(core, QStringLiteral("title"));
    return doc;
}

} // namespace quiver
