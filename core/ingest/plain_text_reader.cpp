#include "core/ingest/plain_text_reader.h"

#include "core/ingest/text_decoder.h"

namespace quiver {

RawDocument PlainTextReader::read(const QByteArray& bytes, const ReadContext&) const {
    RawDocument doc;
    doc.pages.append(TextDecoder::decode(bytes).text);
    return doc;
}

} // namespace quiver
