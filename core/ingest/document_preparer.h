#pragma once

#include "core/ingest/extracted_document.h"
#include "core/ingest/import_settings.h"
#include "core/ingest/prepared_document.h"

namespace quiver {

// Chunks an extracted document and fills in what storage needs: code-point offsets, pages,
// hashes and the metadata that makes the embedded text reproducible (template, chunk budget).
class DocumentPreparer {
public:
    explicit DocumentPreparer(const ImportSettings& settings);
    PreparedDocument prepare(const ExtractedDocument& doc, const QString& path,
                             const QString& fileSha256, qint64 size, const QDateTime& mtime) const;

private:
    ImportSettings m_settings;
};

} // namespace quiver
