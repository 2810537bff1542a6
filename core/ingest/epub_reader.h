#pragma once

#include "core/ingest/format_reader.h"

namespace quiver {

// EPUB books: the XHTML documents of the spine in reading order, title from the package
// document (OPF) metadata.
class EpubReader : public FormatReader {
public:
    RawDocument read(const QByteArray& bytes, const ReadContext& context) const override;
};

} // namespace quiver
