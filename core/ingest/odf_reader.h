#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// OpenDocument text (ODT) and presentations (ODP): content.xml's paragraphs, one page per
// drawing page for presentations, title from meta.xml.
class OdfReader : public FormatReader {
public:
    explicit OdfReader(bool presentation)
        : m_presentation(presentation) {}
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;

private:
    bool m_presentation = false;
};

} // namespace quiver
