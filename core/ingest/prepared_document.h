#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace quiver {

// One chunk as it is stored: offsets in Unicode code points of the normalised document text,
// sha256 of the text that gets embedded (the template applied), so that an unchanged chunk of
// a changed file keeps its embeddings and a new title or template re-embeds.
struct PreparedChunk {
    QString text;
    qint64 charStart = 0;
    qint64 charEnd = 0;
    int tokens = 0;
    QString sha256;
    int page = 0; // 0: no page
    bool ocr = false;
};

// A file read, normalised and chunked, ready for DocumentStore.
struct PreparedDocument {
    QString path;
    QString title;
    QString mime;
    QString format;
    QString sha256; // of the file's bytes
    qint64 sizeBytes = 0;
    QDateTime mtime;
    int pages = 0;
    QJsonObject metadata;
    QList<PreparedChunk> chunks;
};

} // namespace quiver
