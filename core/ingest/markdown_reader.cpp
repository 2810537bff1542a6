#include "core/ingest/markdown_reader.h"

#include "core/ingest/markdown_shape.h"
#include "core/ingest/read_context.h"
#include "core/ingest/text_decoder.h"

#include <cmark.h>
#include <memory>

namespace quiver {

namespace {

constexpr qsizetype kFeedBytes = 1 << 20;
constexpr qint64 kEventsBetweenChecks = 1 << 16;

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

RawDocument MarkdownReader::read(const QByteArray& bytes, const ReadContext& context) const {
    const QString decoded = TextDecoder::decode(bytes).text;
    const QByteArray utf8 = decoded.toUtf8();
    RawDocument doc;
    if (const QString problem = MarkdownShape::of(utf8).problem(); !problem.isEmpty()) {
        doc.pages.append(decoded);
        doc.warnings.append(QStringLiteral("read as plain text: %1").arg(problem));
        return doc;
    }
    // Fed in slices, so that a cancel or the deadline is seen between them.
    std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(
        cmark_parser_new(CMARK_OPT_DEFAULT), &cmark_parser_free);
    for (qsizetype at = 0; at < utf8.size(); at += kFeedBytes) {
        context.checkCancelled();
        const qsizetype n = std::min<qsizetype>(kFeedBytes, utf8.size() - at);
        cmark_parser_feed(parser.get(), utf8.constData() + at, static_cast<size_t>(n));
    }
    std::unique_ptr<cmark_node, decltype(&cmark_node_free)> root(cmark_parser_finish(parser.get()),
                                                                 &cmark_node_free);
    std::unique_ptr<cmark_iter, decltype(&cmark_iter_free)> it(cmark_iter_new(root.get()),
                                                               &cmark_iter_free);
    QString out;
    QString heading;
    bool inHeading = false;
    qint64 events = 0;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
        if (++events % kEventsBetweenChecks == 0)
            context.checkCancelled();
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
