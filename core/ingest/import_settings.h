#pragma once

#include <QString>
#include <QStringList>

class QSettings;

namespace quiver {

// Everything an import can be told, with the defaults the app ships. Stored under "import/" in
// QSettings by the GUI; the CLI starts from the same settings and overrides from its options.
struct ImportSettings {
    // The default embedder is a sentence model with a 128-token window; 16 tokens of overlap
    // keep a sentence cut at a chunk's end readable at the next one's start.
    int chunkTokens = 128;
    int overlapTokens = 16;
    qint64 maxFileBytes = 50LL * 1024 * 1024;
    qint64 maxDecompressedBytes = 256LL * 1024 * 1024;
    bool ocrEnabled = true;
    QString ocrLanguage = QStringLiteral("eng");
    // Text kept per file: a file's text beyond it is cut, with a note in its result. 20 million
    // characters is a 10,000-page book; past that a file is a log or a generated dump.
    qint64 maxTextChars = 20'000'000;
    // Time one file may take to read: this many seconds plus one per 100 KiB of file (OCR of a
    // long scan takes its time; a small file that takes minutes is a hostile one).
    int maxReadSeconds = 120;
    // Files are read in quiver-reader processes (ReaderClient); each may use this much address
    // space, and a file that needs more fails with a reason. Below 256 MiB the libraries alone
    // would not fit.
    int readerMemoryMiB = 1024;
    // Symbolic links that lead out of an imported folder are not followed unless this is set.
    bool followOutsideLinks = false;
    QStringList ignorePatterns; // gitignore syntax, applied below every imported folder
    // What gets embedded for each chunk; $title and $chunk are replaced.
    QString embedTemplate = QStringLiteral("$title\n\n$chunk");
    int readerThreads = 0; // 0: one per core
    // Connections that write batches in parallel (each batch is its own transaction), so that
    // the server's per-chunk work (index entries, key checks) runs on several cores. 0: one per
    // core, at most 4; 1: everything on the caller's connection.
    int writerConnections = 0;
    // A rescan of watch folders that would move more than this share of a collection, and more
    // than massRemovalMinimum documents, to the trash waits for the user's confirmation instead
    // (a disk half gone, a sync client that emptied the folder): a quarter is far more than a
    // day's deletions in a folder of notes, and ten spares small folders the question.
    double massRemovalShare = 0.25;
    int massRemovalMinimum = 10;

    static ImportSettings load(const QSettings& settings);
    void save(QSettings& settings) const;
};

// The text an embedder sees for one chunk: the template with $title and $chunk filled in.
QString renderEmbedText(const QString& embedTemplate, const QString& title, const QString& chunk);

} // namespace quiver
