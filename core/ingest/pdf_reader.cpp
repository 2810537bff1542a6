#include "core/ingest/pdf_reader.h"

#include "core/ingest/ocr_engine.h"
#include "core/ingest/page_rasterizer.h"
#include "core/ingest/read_context.h"
#include "core/ingest/read_error.h"

#include <poppler-qt6.h>

namespace quiver {

namespace {
// Most pages take Tesseract a few seconds; one that takes minutes is noise, not text.
constexpr qint64 kOcrPageMs = 120'000;
} // namespace

RawDocument PdfReader::read(const QByteArray& bytes, const ReadContext& context) const {
    std::unique_ptr<Poppler::Document> pdf = Poppler::Document::loadFromData(bytes);
    if (!pdf)
        throw ReadError(QStringLiteral("broken PDF: poppler cannot parse it"));
    if (pdf->isLocked())
        throw ReadError(QStringLiteral("encrypted PDF: it needs a password; save an unprotected "
                                       "copy and import that"));
    const int pageCount = pdf->numPages();
    if (pageCount <= 0)
        throw ReadError(QStringLiteral("broken PDF: it has no pages"));
    RawDocument doc;
    doc.paged = true;
    doc.title = pdf->info(QStringLiteral("Title")).simplified();
    int textlessPages = 0;
    qint64 chars = 0;
    for (int i = 0; i < pageCount; ++i) {
        context.checkCancelled();
        if (chars > context.maxTextChars) {
            doc.truncated = true;
            break;
        }
        std::unique_ptr<Poppler::Page> page = pdf->page(i);
        QString text = page ? page->text(QRectF()) : QString();
        bool ocr = false;
        if (page && text.trimmed().isEmpty()) {
            if (context.ocrEnabled) {
                const PageRasterizer raster(*page, context);
                if (!raster.image().isNull()) {
                    const qint64 left = context.deadline.remainingTime(); // -1: no deadline
                    const int limitMs = int(left < 0 ? kOcrPageMs : std::min(left, kOcrPageMs));
                    const OcrEngine::Recognition seen =
                        OcrEngine::forThisThread(context.ocrLanguage)
                            .recognize(raster.image(), raster.dpi(), context.cancelled,
                                       std::max(1, limitMs));
                    text = seen.text;
                    ocr = true;
                    if (seen.timedOut)
                        doc.warnings.append(QStringLiteral("page %1: OCR stopped after %2 s, its "
                                                           "text is left out")
                                                .arg(i + 1)
                                                .arg(limitMs / 1000));
                }
            }
            if (text.trimmed().isEmpty())
                ++textlessPages;
        }
        chars += text.size();
        doc.pages.append(text);
        doc.ocrPages.append(ocr);
        context.progress(double(i + 1) / double(pageCount));
    }
    if (textlessPages == doc.pages.size())
        throw ReadError(context.ocrEnabled
                            ? QStringLiteral("PDF with no text: no page has a text layer and OCR "
                                             "found no words")
                            : QStringLiteral("scanned PDF with no text layer: turn on OCR in "
                                             "Settings to read it"));
    return doc;
}

} // namespace quiver
