#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// PowerPoint presentations (Office Open XML): one page per slide, in slide order.
class PptxReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
