#include "core/ingest/odf_reader.h"

#include "core/ingest/read_context.h"
#include "core/ingest/xml_text_extractor.h"
#include "core/ingest/zip_container.h"

namespace quiver {

RawDocument OdfReader::read(const QByteArray& bytes, const ReadContext& context) const {
    const QString format = m_presentation ? QStringLiteral("ODP") : QStringLiteral("ODT");
    ZipContainer zip(bytes, context.maxDecompressedBytes, format);
    XmlTextExtractor::Rules rules;
    rules.paragraphElements = {QStringLiteral("p"), QStringLiteral("h")};
    rules.tabElements = {QStringLiteral("tab")};
    rules.breakElements = {QStringLiteral("line-break")};
    rules.spaceElement = QStringLiteral("s");
    // Speaker notes, styles in the body and tracked deletions are not the visible text.
    rules.skipElements = {QStringLiteral("notes"), QStringLiteral("tracked-changes"),
                          QStringLiteral("automatic-styles"), QStringLiteral("font-face-decls"),
                          QStringLiteral("scripts")};
    if (m_presentation)
        rules.pageElements = {QStringLiteral("page")};
    const QString part = QStringLiteral("content.xml");
    RawDocument doc;
    doc.paged = m_presentation;
    const XmlTextExtractor::Result text =
        XmlTextExtractor::extract(zip.read(part), rules, part, context);
    doc.pages = text.pages;
    doc.truncated = text.truncated;
    context.progress(0.9);
    const QString metaPart = QStringLiteral("meta.xml");
    const QByteArray meta = zip.read(metaPart, false);
    if (!meta.isEmpty())
        doc.title = XmlTextExtractor::firstElementText(meta, QStringLiteral("title"), metaPart);
    return doc;
}

} // namespace quiver
