#include "core/ingest/text_normalizer.h"

namespace quiver {

namespace {
bool isDroppedControl(char16_t c) {
    if (c == u'\n' || c == u'\t')
        return false;
    // C0, DEL, C1, the byte-order mark and the Unicode replacement for "object".
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xfeff || c == 0xfffc;
}
} // namespace

QString TextNormalizer::normalize(const QString& input) {
    QString text = input;
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    text.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    // Form feeds, vertical tabs and the Unicode line/paragraph separators end lines too.
    for (const char16_t sep : {u'\f', u'\v', u'\u2028', u'\u2029', u'\u0085'})
        text.replace(QChar(sep), QLatin1Char('\n'));
    text = text.normalized(QString::NormalizationForm_C);

    QString out;
    out.reserve(text.size());
    int newlines = 0;
    for (const QChar ch : std::as_const(text)) {
        const char16_t c = ch.unicode();
        if (isDroppedControl(c))
            continue;
        if (c == u'\n') {
            // Trailing spaces and tabs before a line end carry nothing.
            while (!out.isEmpty() &&
                   (out.back() == QLatin1Char(' ') || out.back() == QLatin1Char('\t')))
                out.chop(1);
            if (out.isEmpty() || ++newlines > 2)
                continue;
            out.append(ch);
            continue;
        }
        if (ch == QChar(0xa0))
            out.append(QLatin1Char(' ')); // no-break spaces split words like spaces do
        else
            out.append(ch);
        newlines = 0;
    }
    while (!out.isEmpty() && out.back().isSpace())
        out.chop(1);
    return out;
}

} // namespace quiver
