#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace quiver {

// What a format reader hands back before normalisation: the text of each page (one entry for
// formats without pages) and the title found in the file's own metadata, if any.
struct RawDocument {
    QString title;
    QStringList pages;
    QList<bool> ocrPages; // parallel to pages: true where the text came from OCR
    bool paged = false;   // pages are real pages or slides whose numbers mean something
    // What was left out or read another way, one line each, for the import result ("text cut
    // at 20,000,000 characters", "page 3: OCR gave up after 120 s").
    QStringList warnings;
    bool truncated = false; // the reader stopped early at ReadContext::maxTextChars
};

} // namespace quiver
