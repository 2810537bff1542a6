#include "core/ingest/ocr_engine.h"

#include "core/ingest/bundled_data.h"
#include "core/ingest/read_error.h"
#include "core/util/app_paths.h"

#include <QDir>
#include <QFile>

#include <cmath>
#include <map>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>

namespace quiver {

struct OcrEngine::Impl {
    tesseract::TessBaseAPI api;
};

OcrEngine::OcrEngine(const QString& language, const QString& dataDir)
    : d(std::make_unique<Impl>()) {
    const QByteArray lang = language.toUtf8();
    const QByteArray path = QFile::encodeName(dataDir);
    if (d->api.Init(path.isEmpty() ? nullptr : path.constData(), lang.constData(),
                    tesseract::OEM_LSTM_ONLY) != 0)
        throw ReadError(
            dataDir.isEmpty()
                ? QStringLiteral("OCR is unavailable: Tesseract has no data for language "
                                 "'%1' (install tesseract-ocr-%1)")
                      .arg(language)
                : QStringLiteral("OCR is unavailable: Tesseract has no data for language '%1' in "
                                 "%2 (add %1.traineddata there, or reinstall Quiver)")
                      .arg(language, QDir::toNativeSeparators(dataDir)));
    d->api.SetPageSegMode(tesseract::PSM_AUTO);
}

OcrEngine::~OcrEngine() {
    d->api.End();
}

namespace {
bool cancelRequested(void* flag, int) {
    return static_cast<const std::atomic<bool>*>(flag)->load(std::memory_order_relaxed);
}
} // namespace

OcrEngine::Recognition OcrEngine::recognize(const QImage& image, double dpi,
                                            const std::atomic<bool>* cancelled, int timeLimitMs) {
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    d->api.SetImage(gray.constBits(), gray.width(), gray.height(), 1,
                    static_cast<int>(gray.bytesPerLine()));
    d->api.SetSourceResolution(std::max(1, int(std::lround(dpi))));
    tesseract::ETEXT_DESC monitor;
    if (cancelled) {
        monitor.cancel = &cancelRequested;
        monitor.cancel_this = const_cast<std::atomic<bool>*>(cancelled);
    }
    if (timeLimitMs > 0)
        monitor.set_deadline_msecs(timeLimitMs);
    const int rc = d->api.Recognize(&monitor);
    if (cancelled && cancelled->load()) {
        d->api.Clear();
        throw ReadCancelled();
    }
    Recognition result;
    result.timedOut = monitor.deadline_exceeded();
    // After a timeout nothing more is asked of Tesseract: asking for the text of an unfinished
    // recognition would start it again, without the limit.
    if (rc != 0 || result.timedOut) {
        d->api.Clear();
        return result;
    }
    std::unique_ptr<char[]> text(d->api.GetUTF8Text());
    d->api.Clear();
    result.text = text ? QString::fromUtf8(text.get()) : QString();
    return result;
}

OcrEngine& OcrEngine::forThisThread(const QString& language) {
    thread_local std::map<QString, std::unique_ptr<OcrEngine>> engines;
    auto& engine = engines[language];
    if (!engine)
        engine = std::make_unique<OcrEngine>(language, bundledTessdata(programDir()));
    return *engine;
}

} // namespace quiver
