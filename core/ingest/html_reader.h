#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// HTML pages: visible text only, the <title> as title.
class HtmlReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
