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
    QStringList ignorePatterns; // gitignore syntax, applied below every imported folder
    // What gets embedded for each chunk; $title and $chunk are replaced.
    QString embedTemplate = QStringLiteral("$title\n\n$chunk");
    int readerThreads = 0; // 0: one per core
    // Connections that write batches in parallel (each batch is its own transaction), so that
    // the server's per-chunk work (index entries, key checks) runs on several cores. 0: one per
    // core, at most 4; 1: everything on the caller's connection.
    int writerConnections = 0;

    static ImportSettings load(const QSettings& settings);
    void save(QSettings& settings) const;
};

// The text an embedder sees for one chunk: the template with $title and $chunk filled in.
QString renderEmbedText(const QString& embedTemplate, const QString& title, const QString& chunk);

} // namespace quiver
