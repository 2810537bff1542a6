#pragma once

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
};

} // namespace quiver
