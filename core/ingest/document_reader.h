#pragma once

#include "core/ingest/content_sniffer.h"
#include "core/ingest/extracted_document.h"
#include "core/ingest/read_context.h"

#include <QByteArray>
#include <QString>

namespace quiver {

// Reads one file's bytes: sniffs the format, runs its reader, normalises the text and picks
// the title. Thread-safe. Throws ReadError (with a reason that does not name the file) or
// ReadCancelled.
class DocumentReader {
public:
    static ExtractedDocument read(const QByteArray& bytes, const QString& fileName,
                                  const ReadContext& context);
    // The same, with the format already found by ContentSniffer::sniff (quiver-reader tells
    // the importer the format before it starts reading).
    static ExtractedDocument read(const QByteArray& bytes, const QString& fileName,
                                  const ContentSniffer::Result& sniffed,
                                  const ReadContext& context);
};

} // namespace quiver
