#pragma once

#include <QString>

namespace quiver {

// A conservative token count for BPE-style tokenizers, without the tokenizer: every non-ASCII
// character counts as a token of its own and ASCII text as one token per three characters
// (English averages about four), so batches stay under the server's limits.
inline qint64 estimateTokens(const QString& text) {
    qint64 ascii = 0;
    qint64 other = 0;
    for (const QChar c : text) {
        if (c.unicode() < 0x80)
            ++ascii;
        else if (!c.isLowSurrogate())
            ++other;
    }
    return (ascii + 2) / 3 + other + 1;
}

// The length of the longest prefix of text whose estimate stays within budget tokens (never
// splitting a surrogate pair).
inline qsizetype prefixWithinTokens(const QString& text, qint64 budget) {
    qint64 ascii = 0;
    qint64 other = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.unicode() < 0x80)
            ++ascii;
        else if (!c.isLowSurrogate())
            ++other;
        if ((ascii + 2) / 3 + other + 1 > budget)
            return (i > 0 && text.at(i - 1).isHighSurrogate()) ? i - 1 : i;
    }
    return text.size();
}

} // namespace quiver
