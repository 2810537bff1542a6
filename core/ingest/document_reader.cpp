#include "core/ingest/document_reader.h"

#include "core/ingest/docx_reader.h"
#include "core/ingest/epub_reader.h"
#include "core/ingest/html_reader.h"
#include "core/ingest/markdown_reader.h"
#include "core/ingest/odf_reader.h"
#include "core/ingest/pdf_reader.h"
#include "core/ingest/plain_text_reader.h"
#include "core/ingest/pptx_reader.h"
#include "core/ingest/read_error.h"
#include "core/ingest/text_normalizer.h"

#include <QFileInfo>

#include <memory>

namespace quiver {

namespace {

constexpr qsizetype kMaxTitleChars = 1000;

std::unique_ptr<FormatReader> readerFor(DocumentFormat format) {
    switch (format) {
    case DocumentFormat::Text:
        return std::make_unique<PlainTextReader>();
    case DocumentFormat::Markdown:
        return std::make_unique<MarkdownReader>();
    case DocumentFormat::Html:
        return std::make_unique<HtmlReader>();
    case DocumentFormat::Pdf:
        return std::make_unique<PdfReader>();
    case DocumentFormat::Docx:
        return std::make_unique<DocxReader>();
    case DocumentFormat::Pptx:
        return std::make_unique<PptxReader>();
    case DocumentFormat::Odt:
        return std::make_unique<OdfReader>(false);
    case DocumentFormat::Odp:
        return std::make_unique<OdfReader>(true);
    case DocumentFormat::Epub:
        return std::make_unique<EpubReader>();
    case DocumentFormat::Unsupported:
        break;
    }
    return nullptr;
}

} // namespace

ExtractedDocument DocumentReader::read(const QByteArray& bytes, const QString& fileName,
                                       const ReadContext& context) {
    return read(bytes, fileName, ContentSniffer::sniff(bytes, QFileInfo(fileName).suffix()),
                context);
}

ExtractedDocument DocumentReader::read(const QByteArray& bytes, const QString& fileName,
                                       const ContentSniffer::Result& sniffed,
                                       const ReadContext& context) {
    const QFileInfo info(fileName);
    const std::unique_ptr<FormatReader> reader = readerFor(sniffed.format);
    if (!reader)
        throw ReadError(sniffed.reason, sniffed.deliberate);

    const RawDocument raw = reader->read(bytes, context);
    ExtractedDocument doc;
    doc.format = sniffed.format;
    doc.mime = sniffed.mime;
    doc.warnings = raw.warnings;
    doc.truncated = raw.truncated;
    for (qsizetype i = 0; i < raw.pages.size(); ++i) {
        if (doc.text.size() >= context.maxTextChars) {
            doc.truncated = true;
            break;
        }
        const QString page = TextNormalizer::normalize(raw.pages[i]);
        if (i > 0)
            doc.text.append(QStringLiteral("\n\n"));
        if (raw.paged) {
            doc.pageStarts.append(doc.text.size());
            doc.ocrPages.append(i < raw.ocrPages.size() && raw.ocrPages[i]);
        }
        doc.text.append(page);
    }
    if (doc.text.size() > context.maxTextChars) {
        // Never between the halves of a surrogate pair.
        qsizetype cut = context.maxTextChars;
        if (cut > 0 && doc.text[cut - 1].isHighSurrogate())
            --cut;
        doc.text.truncate(cut);
        doc.truncated = true;
    }
    while (!doc.pageStarts.isEmpty() && doc.pageStarts.last() >= doc.text.size() &&
           doc.pageStarts.size() > 1) {
        doc.pageStarts.removeLast();
        doc.ocrPages.removeLast();
    }
    if (doc.truncated)
        doc.warnings.append(QStringLiteral("text cut at %1 characters (import/maxTextChars); the "
                                           "rest of the file is not searchable")
                                .arg(context.maxTextChars));
    if (doc.text.trimmed().isEmpty())
        throw ReadError(
            QStringLiteral("no text found in this %1 file").arg(formatName(doc.format)));
    // A title is a line, not a chapter: it is embedded with every chunk.
    doc.title = TextNormalizer::normalize(raw.title.left(kMaxTitleChars)).simplified();
    if (doc.title.isEmpty())
        doc.title = info.completeBaseName().isEmpty() ? info.fileName() : info.completeBaseName();
    return doc;
}

} // namespace quiver
