// Why gumbo and not libxml2's HTML parser: both are in Debian and both are linear on ordinary
// pages, but only gumbo implements the HTML5 parsing algorithm (the one browsers share), so the
// text it finds is the text a browser shows, and it knows all 2,231 named character references
// (&ntilde;, &ccedil;, &NotEqualTilde; ...); libxml2's parser follows HTML 4 (its own error
// recovery, 253 entities). What gumbo lacks -- limits on nesting, tags and memory, and linear
// time on hostile markup -- HtmlMarkupLimiter adds in front of it.

#include "core/ingest/html_text_extractor.h"

#include "core/ingest/html_markup_limiter.h"

#include <gumbo.h>
#include <memory>
#include <vector>

namespace quiver {

namespace {

bool isInvisible(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_TITLE: // the title is the document's title, not part of its text
        return true;
    default:
        return false;
    }
}

// Elements that end a paragraph (a blank line) rather than only a line.
bool isParagraph(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
        return true;
    default:
        return false;
    }
}

bool isBlock(GumboTag tag) {
    if (isParagraph(tag))
        return true;
    switch (tag) {
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_BODY:
        return true;
    default:
        return false;
    }
}

const GumboVector& childrenOf(const GumboNode* node) {
    return node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
}

bool hasChildren(const GumboNode* node) {
    return node->type == GUMBO_NODE_DOCUMENT || node->type == GUMBO_NODE_ELEMENT;
}

bool isHtmlElement(const GumboNode* node, GumboTag tag) {
    return node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag &&
           node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

void appendBreak(QString& out, int newlines) {
    while (out.endsWith(QLatin1Char(' ')))
        out.chop(1);
    int have = 0;
    for (qsizetype k = out.size() - 1; k >= 0 && out[k] == QLatin1Char('\n'); --k)
        ++have;
    if (out.isEmpty())
        return;
    for (; have < newlines; ++have)
        out.append(QLatin1Char('\n'));
}

// Collapses whitespace as a browser does; a space survives only between words.
void appendCollapsed(QString& out, const QString& text) {
    bool space = out.isEmpty() || out.endsWith(QLatin1Char(' ')) || out.endsWith(QLatin1Char('\n'));
    for (const QChar c : text) {
        if (c.isSpace() && c != QChar(0xa0)) {
            if (!space)
                out.append(QLatin1Char(' '));
            space = true;
        } else {
            out.append(c);
            space = false;
        }
    }
}

bool looksLikeXhtml(const QString& html) {
    const QStringView head = QStringView(html).left(4096);
    return head.trimmed().startsWith(QLatin1String("<?xml")) ||
           head.contains(QLatin1String("http://www.w3.org/1999/xhtml"));
}

// The first HTML <title> anywhere (a misplaced one in the body counts), not SVG's.
QString findTitle(const GumboNode* root) {
    std::vector<const GumboNode*> todo{root};
    while (!todo.empty()) {
        const GumboNode* node = todo.back();
        todo.pop_back();
        if (isHtmlElement(node, GUMBO_TAG_TITLE)) {
            QString title;
            const GumboVector& children = childrenOf(node);
            for (unsigned i = 0; i < children.length; ++i) {
                const auto* child = static_cast<const GumboNode*>(children.data[i]);
                if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
                    title += QString::fromUtf8(child->v.text.text);
            }
            return title;
        }
        if (!hasChildren(node) || (node->type == GUMBO_NODE_ELEMENT &&
                                   node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML))
            continue;
        const GumboVector& children = childrenOf(node);
        for (unsigned i = children.length; i > 0; --i)
            todo.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
    return {};
}

// The visible text, walking the tree without recursion (its depth is the page's to choose).
QString visibleText(const GumboNode* root) {
    struct Frame {
        const GumboNode* node;
        unsigned next = 0;
    };
    QString out;
    int preDepth = 0;
    std::vector<Frame> stack{{root}};
    while (!stack.empty()) {
        Frame& frame = stack.back();
        const GumboNode* node = frame.node;
        const GumboVector& children = childrenOf(node);
        if (frame.next < children.length) {
            const auto* child = static_cast<const GumboNode*>(children.data[frame.next++]);
            switch (child->type) {
            case GUMBO_NODE_TEXT:
            case GUMBO_NODE_WHITESPACE:
            case GUMBO_NODE_CDATA: {
                const QString text = QString::fromUtf8(child->v.text.text);
                if (preDepth > 0)
                    out.append(text);
                else
                    appendCollapsed(out, text);
                break;
            }
            case GUMBO_NODE_ELEMENT: {
                const GumboElement& e = child->v.element;
                if (e.tag_namespace != GUMBO_NAMESPACE_HTML || isInvisible(e.tag))
                    break;
                if (e.tag == GUMBO_TAG_PRE)
                    ++preDepth;
                if (isBlock(e.tag))
                    appendBreak(out, 1);
                else if (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH)
                    out.append(QLatin1Char('\t'));
                stack.push_back({child});
                break;
            }
            default: // comments, documents, templates' content
                break;
            }
            continue;
        }
        if (node->type == GUMBO_NODE_ELEMENT) {
            const GumboTag tag = node->v.element.tag;
            if (isBlock(tag))
                appendBreak(out, isParagraph(tag) ? 2 : 1);
            if (tag == GUMBO_TAG_PRE)
                --preDepth;
        }
        stack.pop_back();
    }
    return out;
}

} // namespace

HtmlTextExtractor::Result HtmlTextExtractor::extract(const QString& html) {
    const HtmlMarkupLimiter::Result limited =
        HtmlMarkupLimiter::limit(html.toUtf8(), looksLikeXhtml(html));
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0; // errors are kept in memory, one record each: none needed
    const auto destroy = [&options](GumboOutput* output) {
        gumbo_destroy_output(&options, output);
    };
    const std::unique_ptr<GumboOutput, decltype(destroy)> output(
        gumbo_parse_with_options(&options, limited.html.constData(),
                                 static_cast<size_t>(limited.html.size())),
        destroy);
    Result r;
    r.title = findTitle(output->document).simplified();
    r.text = visibleText(output->document).trimmed();
    return r;
}

} // namespace quiver
