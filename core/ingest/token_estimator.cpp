#include "core/ingest/token_estimator.h"

namespace quiver {

int TokenEstimator::estimate(QStringView text) {
    int tokens = 0;
    int letters = 0;
    int digits = 0;
    const auto flush = [&]() {
        tokens += (letters + 4) / 5 + (digits + 1) / 2;
        letters = 0;
        digits = 0;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        const char16_t u = c.unicode();
        if (u < 0x80) { // ASCII, most of most text: no Unicode tables needed
            if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
                if (digits)
                    flush();
                ++letters;
            } else if (u >= '0' && u <= '9') {
                if (letters)
                    flush();
                ++digits;
            } else if (u == ' ' || (u >= '\t' && u <= '\r')) {
                flush();
            } else {
                flush();
                ++tokens;
            }
            continue;
        }
        if (c.isLowSurrogate())
            continue; // counted with its high surrogate
        char32_t cp = c.unicode();
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            cp = QChar::surrogateToUcs4(c, text[i + 1]);
        if (QChar::isSpace(cp)) {
            flush();
        } else if (QChar::isDigit(cp)) {
            if (letters)
                flush();
            ++digits;
        } else if (QChar::isLetter(cp) || QChar::isMark(cp)) {
            // Scripts without spaces between words cost a token per character (all of them lie
            // above U+0E00, so Latin, Greek and Cyrillic skip the table lookup).
            const auto script = cp < 0x0e00 ? QChar::Script_Latin : QChar::script(cp);
            if (script == QChar::Script_Han || script == QChar::Script_Hiragana ||
                script == QChar::Script_Katakana || script == QChar::Script_Hangul ||
                script == QChar::Script_Thai) {
                flush();
                ++tokens;
                continue;
            }
            if (digits)
                flush();
            ++letters;
        } else {
            flush();
            ++tokens;
        }
    }
    flush();
    return tokens;
}

} // namespace quiver
