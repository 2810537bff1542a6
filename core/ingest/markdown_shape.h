#pragma once

#include <QByteArrayView>
#include <QString>

namespace quiver {

// How deeply a Markdown text nests and how many brackets its densest block holds, measured in
// one pass over its lines before cmark parses it. cmark (0.30.2 in Debian 12) checks every open
// container (quote, list) on every following line, and its link parsing is worse than
// quadratic in the brackets of one paragraph ("![[]()" repeated 40,000 times: a minute).
// Text beyond these limits is no prose; MarkdownReader reads it as plain text instead.
struct MarkdownShape {
    static constexpr int maxNesting = 100;
    static constexpr int maxBracketsPerBlock = 2000;

    int nesting = 0;          // the most containers one line opens or continues
    int bracketsPerBlock = 0; // the most '[' and ']' in one run of non-blank lines

    static MarkdownShape of(QByteArrayView utf8);
    // Why cmark should not parse text of this shape, or empty.
    QString problem() const;
};

} // namespace quiver
