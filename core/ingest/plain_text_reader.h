#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// Plain text, source code, CSV and JSON: the decoded text as it is.
class PlainTextReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
