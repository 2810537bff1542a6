#include "core/ingest/page_rasterizer.h"

#include "core/ingest/read_context.h"

#include <QSemaphore>

#include <cmath>
#include <poppler-qt6.h>

namespace quiver {

namespace {

constexpr qint64 kUnitPixels = 1'000'000;

QSemaphore& pool() {
    static QSemaphore semaphore(int(PageRasterizer::poolPixels / kUnitPixels));
    return semaphore;
}

} // namespace

double PageRasterizer::dpiFor(QSizeF pagePoints, qint64 pixelBudget) {
    const double w = pagePoints.width() / 72.0; // inches
    const double h = pagePoints.height() / 72.0;
    if (!(w > 0) || !(h > 0) || !std::isfinite(w * h))
        return 0;
    const double pixels = w * h * preferredDpi * preferredDpi;
    if (pixels <= double(pixelBudget))
        return preferredDpi;
    // A hair under the exact root, so that rounding the sides up cannot cross the budget.
    return std::floor(std::sqrt(double(pixelBudget) / (w * h)) * 0.999 * 100.0) / 100.0;
}

PageRasterizer::PageRasterizer(Poppler::Page& page, const ReadContext& context) {
    const QSizeF points = page.pageSizeF();
    m_dpi = dpiFor(points);
    if (m_dpi <= 0)
        return;
    const double pixels = std::ceil(points.width() / 72.0 * m_dpi + 1) *
                          std::ceil(points.height() / 72.0 * m_dpi + 1);
    m_units = std::max(1, int(std::ceil(pixels / double(kUnitPixels))));
    m_units = std::min<int>(m_units, int(poolPixels / kUnitPixels));
    while (!pool().tryAcquire(m_units, 100))
        context.checkCancelled();
    m_image = page.renderToImage(m_dpi, m_dpi);
}

PageRasterizer::~PageRasterizer() {
    m_image = QImage();
    if (m_units > 0)
        pool().release(m_units);
}

} // namespace quiver
