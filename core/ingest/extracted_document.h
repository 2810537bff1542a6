#pragma once

#include "core/ingest/content_sniffer.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace quiver {

// A file's text after reading and normalisation, ready to chunk. Pages are joined with a blank
// line; pageStarts[i] is where page i + 1 begins in text (UTF-16 offsets), empty for formats
// without pages.
struct ExtractedDocument {
    QString title; // from the file's metadata, else its first heading, else its file name
    DocumentFormat format = DocumentFormat::Unsupported;
    QString mime;
    QString text;
    QList<qsizetype> pageStarts;
    QList<bool> ocrPages;
    QStringList warnings;   // what was left out (RawDocument::warnings), one line each
    bool truncated = false; // text cut at ReadContext::maxTextChars

    int pageCount() const { return static_cast<int>(pageStarts.size()); }
    // 1-based page holding the offset; 0 when the document has no pages.
    int pageAt(qsizetype offset) const;
    bool anyOcr() const { return ocrPages.contains(true); }
};

} // namespace quiver
