#include "core/ingest/html_reader.h"

#include "core/ingest/html_text_extractor.h"
#include "core/ingest/text_decoder.h"

namespace quiver {

RawDocument HtmlReader::read(const QByteArray& bytes, const ReadContext&) const {
    const HtmlTextExtractor::Result r = HtmlTextExtractor::extract(TextDecoder::decode(bytes).text);
    RawDocument doc;
    doc.title = r.title;
    doc.pages.append(r.text);
    return doc;
}

} // namespace quiver
