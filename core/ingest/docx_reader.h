#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// Word documents (Office Open XML): the body's paragraphs, title from docProps/core.xml.
class DocxReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
