#pragma once

#include <QDeadlineTimer>
#include <QString>

#include <atomic>
#include <functional>

namespace quiver {

// What every reader may consult while it works: the switches and limits from the import
// settings, a cancellation flag and a deadline it checks between pages and parts, and a way to
// say how far it has come so that progress moves even inside one slow file.
struct ReadContext {
    bool ocrEnabled = true;
    QString ocrLanguage = QStringLiteral("eng");
    qint64 maxDecompressedBytes = 256LL * 1024 * 1024; // zip containers (DOCX, EPUB, ...)
    qint64 maxTextChars = 20'000'000;                  // text kept; the rest is cut with a note
    const std::atomic<bool>* cancelled = nullptr;
    // When the file's time is up, and the limit it came from (for the reason shown).
    QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever);
    int deadlineSeconds = 0;
    std::function<void(double fraction)> onProgress;
    QString extensionHint; // lower-case suffix without the dot

    bool isCancelled() const { return cancelled && cancelled->load(std::memory_order_relaxed); }
    // Throws ReadCancelled when the import was cancelled, ReadError when the deadline passed.
    void checkCancelled() const;
    void progress(double fraction) const {
        if (onProgress)
            onProgress(fraction);
    }
};

} // namespace quiver
