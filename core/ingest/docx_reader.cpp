#include "core/ingest/docx_reader.h"

#include "core/ingest/read_context.h"
#include "core/ingest/xml_text_extractor.h"
#include "core/ingest/zip_container.h"

namespace quiver {

RawDocument DocxReader::read(const QByteArray& bytes, const ReadContext& context) const {
    ZipContainer zip(bytes, context.maxDecompressedBytes, QStringLiteral("DOCX"));
    XmlTextExtractor::Rules rules;
    rules.textElements = {QStringLiteral("t")};
    rules.paragraphElements = {QStringLiteral("p")};
    rules.tabElements = {QStringLiteral("tab")};
    rules.breakElements = {QStringLiteral("br"), QStringLiteral("cr")};
    // Deleted revisions and field codes are not part of the visible text.
    rules.skipElements = {QStringLiteral("del"), QStringLiteral("instrText")};
    const QString part = QStringLiteral("word/document.xml");
    RawDocument doc;
    const XmlTextExtractor::Result text =
        XmlTextExtractor::extract(zip.read(part), rules, part, context);
    doc.pages = text.pages;
    doc.truncated = text.truncated;
    context.progress(0.9);
    const QString corePart = QStringLiteral("docProps/core.xml");
    const QByteArray core = zip.read(corePart, false);
    if (!core.isEmpty())
        doc.title = XmlTextExtractor::firstElementText(core, QStringLiteral("title"), corePart);
    return doc;
}

} // namespace quiver
