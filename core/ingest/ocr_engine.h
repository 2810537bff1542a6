#pragma once

#include <QImage>
#include <QString>

#include <atomic>
#include <memory>

namespace quiver {

// Tesseract for pages that are only pictures of text. One engine per thread (Tesseract's API
// is not thread-safe); loading the language model costs a fraction of a second, so readers
// reuse the engine of their thread. Throws ReadError when the language data is missing.
class OcrEngine {
public:
    // dataDir: the tessdata folder; empty for Tesseract's own default (TESSDATA_PREFIX, or
    // where the system's package put it).
    OcrEngine(const QString& language, const QString& dataDir);
    ~OcrEngine();
    OcrEngine(const OcrEngine&) = delete;
    OcrEngine& operator=(const OcrEngine&) = delete;

    struct Recognition {
        QString text;
        bool timedOut = false; // Tesseract stopped at the time limit: the text may be partial
    };
    // Recognises the text of a page rendered at dpi; returns early (throwing ReadCancelled)
    // when *cancelled turns true, and stops after timeLimitMs (0: no limit), both checked by
    // Tesseract while it works.
    Recognition recognize(const QImage& image, double dpi, const std::atomic<bool>* cancelled,
                          int timeLimitMs);

    // With the language data bundled beside the program, if any (core/ingest/bundled_data.h).
    static OcrEngine& forThisThread(const QString& language);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver
