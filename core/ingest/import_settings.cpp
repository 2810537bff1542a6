#include "core/ingest/import_settings.h"

#include <QSettings>

#include <algorithm>

namespace quiver {

ImportSettings ImportSettings::load(const QSettings& s) {
    ImportSettings d;
    ImportSettings r;
    r.chunkTokens = s.value(QStringLiteral("import/chunkTokens"), d.chunkTokens).toInt();
    r.overlapTokens = s.value(QStringLiteral("import/overlapTokens"), d.overlapTokens).toInt();
    r.maxFileBytes = s.value(QStringLiteral("import/maxFileBytes"), d.maxFileBytes).toLongLong();
    r.maxDecompressedBytes =
        s.value(QStringLiteral("import/maxDecompressedBytes"), d.maxDecompressedBytes).toLongLong();
    r.ocrEnabled = s.value(QStringLiteral("import/ocr"), d.ocrEnabled).toBool();
    r.ocrLanguage = s.value(QStringLiteral("import/ocrLanguage"), d.ocrLanguage).toString();
    r.maxTextChars = s.value(QStringLiteral("import/maxTextChars"), d.maxTextChars).toLongLong();
    r.maxReadSeconds = s.value(QStringLiteral("import/maxReadSeconds"), d.maxReadSeconds).toInt();
    r.followOutsideLinks =
        s.value(QStringLiteral("import/followOutsideLinks"), d.followOutsideLinks).toBool();
    if (r.maxTextChars <= 0)
        r.maxTextChars = d.maxTextChars;
    if (r.maxReadSeconds <= 0)
        r.maxReadSeconds = d.maxReadSeconds;
    r.readerMemoryMiB =
        s.value(QStringLiteral("import/readerMemoryMiB"), d.readerMemoryMiB).toInt();
    if (r.readerMemoryMiB <= 0)
        r.readerMemoryMiB = d.readerMemoryMiB;
    r.readerMemoryMiB = std::max(r.readerMemoryMiB, 256);
    r.ignorePatterns = s.value(QStringLiteral("import/ignorePatterns")).toStringList();
    r.embedTemplate = s.value(QStringLiteral("import/embedTemplate"), d.embedTemplate).toString();
    r.writerConnections =
        s.value(QStringLiteral("import/writerConnections"), d.writerConnections).toInt();
    r.massRemovalShare =
        s.value(QStringLiteral("import/massRemovalShare"), d.massRemovalShare).toDouble();
    r.massRemovalMinimum =
        s.value(QStringLiteral("import/massRemovalMinimum"), d.massRemovalMinimum).toInt();
    if (!(r.massRemovalShare >= 0.0 && r.massRemovalShare <= 1.0))
        r.massRemovalShare = d.massRemovalShare;
    if (r.massRemovalMinimum < 0)
        r.massRemovalMinimum = d.massRemovalMinimum;
    if (r.writerConnections < 0)
        r.writerConnections = d.writerConnections;
    if (r.chunkTokens < 16)
        r.chunkTokens = d.chunkTokens;
    if (r.overlapTokens < 0 || r.overlapTokens > r.chunkTokens / 2)
        r.overlapTokens = qMin(d.overlapTokens, r.chunkTokens / 2);
    if (r.maxFileBytes <= 0)
        r.maxFileBytes = d.maxFileBytes;
    if (!r.embedTemplate.contains(QLatin1String("$chunk")))
        r.embedTemplate = d.embedTemplate;
    return r;
}

void ImportSettings::save(QSettings& s) const {
    s.setValue(QStringLiteral("import/chunkTokens"), chunkTokens);
    s.setValue(QStringLiteral("import/overlapTokens"), overlapTokens);
    s.setValue(QStringLiteral("import/maxFileBytes"), maxFileBytes);
    s.setValue(QStringLiteral("import/maxDecompressedBytes"), maxDecompressedBytes);
    s.setValue(QStringLiteral("import/ocr"), ocrEnabled);
    s.setValue(QStringLiteral("import/ocrLanguage"), ocrLanguage);
    s.setValue(QStringLiteral("import/maxTextChars"), maxTextChars);
    s.setValue(QStringLiteral("import/maxReadSeconds"), maxReadSeconds);
    s.setValue(QStringLiteral("import/readerMemoryMiB"), readerMemoryMiB);
    s.setValue(QStringLiteral("import/followOutsideLinks"), followOutsideLinks);
    s.setValue(QStringLiteral("import/ignorePatterns"), ignorePatterns);
    s.setValue(QStringLiteral("import/embedTemplate"), embedTemplate);
    s.setValue(QStringLiteral("import/writerConnections"), writerConnections);
    s.setValue(QStringLiteral("import/massRemovalShare"), massRemovalShare);
    s.setValue(QStringLiteral("import/massRemovalMinimum"), massRemovalMinimum);
}

QString renderEmbedText(const QString& embedTemplate, const QString& title, const QString& chunk) {
    // One pass, so a "$chunk" inside the title is not replaced again.
    QString out;
    out.reserve(embedTemplate.size() + title.size() + chunk.size());
    for (qsizetype i = 0; i < embedTemplate.size(); ++i) {
        if (embedTemplate[i] == QLatin1Char('$')) {
            if (QStringView(embedTemplate).mid(i + 1).startsWith(QLatin1String("title"))) {
                out.append(title);
                i += 5;
                continue;
            }
            if (QStringView(embedTemplate).mid(i + 1).startsWith(QLatin1String("chunk"))) {
                out.append(chunk);
                i += 5;
                continue;
            }
        }
        out.append(embedTemplate[i]);
    }
    return out;
}

} // namespace quiver
