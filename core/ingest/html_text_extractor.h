#pragma once

#include <QString>

namespace quiver {

// The visible text of an HTML or XHTML page, the way a browser would lay it out as plain text:
// scripts, styles and other invisible elements dropped, block elements on lines of their own,
// whitespace collapsed outside <pre>, character references decoded (all of HTML5's). Parsed by
// gumbo, Google's implementation of the HTML5 parsing algorithm, after HtmlMarkupLimiter has
// bounded what it has to build: time and memory grow linearly with the page whatever it holds.
class HtmlTextExtractor {
public:
    struct Result {
        QString title; // the <title>, whitespace collapsed
        QString text;
    };
    static Result extract(const QString& html);
};

} // namespace quiver
