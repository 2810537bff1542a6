#pragma once

#include <QString>

namespace quiver {

// The visible text of an HTML or XHTML page, the way a browser would lay it out as plain text:
// scripts, styles and other invisible elements dropped, block elements on lines of their own,
// whitespace collapsed outside <pre>, character references decoded. Tolerates broken markup.
class HtmlTextExtractor {
public:
    struct Result {
        QString title; // the <title>, whitespace collapsed
        QString text;
    };
    static Result extract(const QString& html);
    static QString decodeEntities(const QString& text);
};

} // namespace quiver
