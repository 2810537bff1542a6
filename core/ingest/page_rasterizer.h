#pragma once

#include <QImage>
#include <QSizeF>

namespace Poppler {
class Page;
}

namespace quiver {

struct ReadContext;

// Renders a PDF page for OCR under a pixel budget. Tesseract reads best at 300 dpi, but a PDF
// page may claim to be a mile wide: a 416-byte file would become a 400 MB bitmap. So a page is
// rendered at 300 dpi or, when that exceeds maxPixels (40 megapixels: A3 at 300 dpi is 17),
// at the resolution that fits. Rendered pages also share one process-wide pool of pixels
// (poolPixels), held from rendering until this object is gone (after OCR), so that however many
// readers run, their bitmaps together stay bounded; waiting for the pool checks the context.
class PageRasterizer {
public:
    static constexpr double preferredDpi = 300.0;
    static constexpr qint64 maxPixels = 40'000'000;
    static constexpr qint64 poolPixels = 2 * maxPixels;

    // Throws ReadCancelled or ReadError (time is up) while waiting for the pool.
    PageRasterizer(Poppler::Page& page, const ReadContext& context);
    ~PageRasterizer();
    PageRasterizer(const PageRasterizer&) = delete;
    PageRasterizer& operator=(const PageRasterizer&) = delete;

    const QImage& image() const { return m_image; } // null when the page has no area
    double dpi() const { return m_dpi; }

    // The resolution for a page of this size in points (1/72 inch): preferredDpi, or less so
    // that the bitmap has at most maxPixels; 0 for a page without a usable size.
    static double dpiFor(QSizeF pagePoints, qint64 pixelBudget = maxPixels);

private:
    QImage m_image;
    double m_dpi = 0;
    int m_units = 0; // megapixels held in the pool
};

} // namespace quiver
