#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// Markdown through cmark: the text without markup, headings kept as lines of their own, blocks
// separated by blank lines; the first heading is the title. Text that would make cmark slow
// (MarkdownShape) is read as plain text instead, with a warning.
class MarkdownReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
