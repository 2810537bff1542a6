#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace quiver {

// Rewrites HTML (UTF-8) before gumbo parses it, so that parsing a hostile page takes time and
// memory in proportion to its size. Gumbo builds the whole tree (about 150 bytes a tag, all of
// it kept), and the HTML5 tree builder's scope checks walk the stack of open elements: 100,000
// nested <div>s, or one tag with 100,000 attributes, take minutes. So, in one linear pass:
// - attributes are dropped (text extraction reads none) and comments are dropped;
// - elements nested deeper than maxDepth are left out (their text stays), as browsers do
//   (Chromium stops nesting at 512), counted by a simple stack of open elements;
// - tags beyond maxTags are left out (their text stays);
// - in script, style, title, textarea and the other raw-text elements every '<' is written as
//   "&lt;", so that whatever gumbo makes of such an element, its content is no markup;
// - in XHTML (xhtml), <x/> is written <x></x>, so that <script src="a.js"/> does not swallow
//   the rest of an EPUB chapter.
// Where this tokenizer and gumbo's could disagree, it errs towards seeing more markup, never
// less, so that nothing reaches gumbo unlimited.
class HtmlMarkupLimiter {
public:
    struct Limits {
        int maxDepth = 256;
        qint64 maxTags = 1'000'000;
    };
    struct Result {
        QByteArray html;
        qint64 tags = 0;        // tags written
        qint64 droppedTags = 0; // left out by the limits
    };

    static Result limit(QByteArrayView html, bool xhtml, const Limits& limits);
    static Result limit(QByteArrayView html, bool xhtml) { return limit(html, xhtml, Limits()); }
};

} // namespace quiver
