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
    explicit OcrEngine(const QString& language);
    ~OcrEngine();
    OcrEngine(const OcrEngine&) = delete;
    OcrEngine& operator=(const OcrEngine&) = delete;

    // Recognises the text of a rendered page; returns early (throwing ReadCancelled) when
    // *cancelled turns true, checked by Tesseract while it works.
    QString recognize(const QImage& image, const std::atomic<bool>* cancelled);

    static OcrEngine& forThisThread(const QString& language);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver
