#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// PDF through poppler: the text layer of each page, page numbers kept. A page without a text
// layer is rendered and read by OCR when OCR is on; the page is marked as OCR text.
class PdfReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
