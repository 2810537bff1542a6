#include "core/ingest/markdown_reader.h"

#include "core/ingest/text_decoder.h"

#include <cmark.h>
#include <memory>

namespace quiver {

namespace {

bool isBlock(cmark_node_type t) {
    switch (t) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
        return true;
    default:
        return false;
    }
}

void endBlock(QString& out) {
    while (out.endsWith(QLatin1Char('\n')))
        out.chop(1);
    if (!out.isEmpty())
        out.append(QStringLiteral("\n\n"));
}

} // namespace

RawDocument MarkdownReader::read(const QByteArray& bytes, const ReadContext&) const {
    const QByteArray utf8 = TextDecoder::decode(bytes).text.toUtf8();
    std::unique_ptr<cmark_node, decltype(&cmark_node_free)> root(
        cmark_parse_document(utf8.constData(), static_cast<size_t>(utf8.size()), CMARK_OPT_DEFAULT),
        &cmark_node_free);
    std::unique_ptr<cmark_iter, decltype(&cmark_iter_free)> it(cmark_iter_new(root.get()),
                                                               &cmark_iter_free);
    RawDocument doc;
    QString out;
    QString heading;
    bool inHeading = false;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
        cmark_node* node = cmark_iter_get_node(it.get());
        const cmark_node_type type = cmark_node_get_type(node);
        const auto literal = [node]() { return QString::fromUtf8(cmark_node_get_literal(node)); };
        if (ev == CMARK_EVENT_ENTER) {
            switch (type) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
            case CMARK_NODE_HTML_INLINE:
                out.append(literal());
                if (inHeading)
                    heading.append(literal());
                break;
            case CMARK_NODE_CODE_BLOCK:
            case CMARK_NODE_HTML_BLOCK:
                out.append(literal());
                endBlock(out);
                break;
            case CMARK_NODE_SOFTBREAK:
                out.append(QLatin1Char(' '));
                if (inHeading)
                    heading.append(QLatin1Char(' '));
                break;
            case CMARK_NODE_LINEBREAK:
                out.append(QLatin1Char('\n'));
                break;
            case CMARK_NODE_HEADING:
                inHeading = true;
                break;
            case CMARK_NODE_ITEM:
                if (!out.isEmpty() && !out.endsWith(QLatin1Char('\n')))
                    out.append(QLatin1Char('\n'));
                break;
            default:
                break;
            }
        } else if (ev == CMARK_EVENT_EXIT) {
            if (type == CMARK_NODE_HEADING) {
                inHeading = false;
                if (doc.title.isEmpty())
                    doc.title = heading.trimmed();
                heading.clear();
            }
            if (isBlock(type) && type != CMARK_NODE_CODE_BLOCK && type != CMARK_NODE_HTML_BLOCK) {
                // Paragraphs inside a tight list end with one line break, others with a blank line.
                cmark_node* parent = cmark_node_parent(node);
                const bool tightItem = parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
                                       cmark_node_parent(parent) &&
                                       cmark_node_get_list_tight(cmark_node_parent(parent));
                if (tightItem)
                    out.append(QLatin1Char('\n'));
                else
                    endBlock(out);
            }
        }
    }
    doc.pages.append(out);
    return doc;
}

} // namespace quiver
