#include "core/ingest/pdf_reader.h"

#include "core/ingest/ocr_engine.h"
#include "core/ingest/read_context.h"
#include "core/ingest/read_error.h"

#include <poppler-qt6.h>

namespace quiver {

namespace {
// 300 dpi is what Tesseract is trained for; a letter page is then ~2550 x 3300 pixels.
constexpr double kOcrDpi = 300.0;
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
    for (int i = 0; i < pageCount; ++i) {
        context.checkCancelled();
        std::unique_ptr<Poppler::Page> page = pdf->page(i);
        QString text = page ? page->text(QRectF()) : QString();
        bool ocr = false;
        if (page && text.trimmed().isEmpty()) {
            if (context.ocrEnabled) {
                const QImage image = page->renderToImage(kOcrDpi, kOcrDpi);
                if (!image.isNull()) {
                    text = OcrEngine::forThisThread(context.ocrLanguage)
                               .recognize(image, context.cancelled);
                    ocr = true;
                }
            }
            if (text.trimmed().isEmpty())
                ++textlessPages;
        }
        doc.pages.append(text);
        doc.ocrPages.append(ocr);
        context.progress(double(i + 1) / double(pageCount));
    }
    if (textlessPages == pageCount)
        throw ReadError(context.ocrEnabled
                            ? QStringLiteral("PDF with no text: no page has a text layer and OCR "
                                             "found no words")
                            : QStringLiteral("scanned PDF with no text layer: turn on OCR in "
                                             "Settings to read it"));
    return doc;
}

} // namespace quiver
