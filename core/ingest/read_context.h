#pragma once

#include <QString>

#include <atomic>
#include <functional>

namespace quiver {

// What every reader may consult while it works: the switches from the import settings, a
// cancellation flag it checks between pages, and a way to say how far it has come so that
// progress moves even inside one slow file.
struct ReadContext {
    bool ocrEnabled = true;
    QString ocrLanguage = QStringLiteral("eng");
    qint64 maxDecompressedBytes = 256LL * 1024 * 1024; // zip containers (DOCX, EPUB, ...)
    const std::atomic<bool>* cancelled = nullptr;
    std::function<void(double fraction)> onProgress;
    QString extensionHint; // lower-case suffix without the dot

    bool isCancelled() const { return cancelled && cancelled->load(std::memory_order_relaxed); }
    void checkCancelled() const;
    void progress(double fraction) const {
        if (onProgress)
            onProgress(fraction);
    }
};

} // namespace quiver
