#include "core/ingest/text_decoder.h"

#include "core/ingest/read_error.h"

#include <QStringDecoder>

#include <memory>
#include <uchardet.h>

namespace quiver {

namespace {

// Offset of the first byte that breaks UTF-8, or -1 if the bytes are valid UTF-8.
// multibyte counts the well-formed sequences of two or more bytes seen on the way.
qsizetype firstInvalidUtf8(const QByteArray& bytes, qsizetype* multibyte = nullptr) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        int extra = 0;
        char32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + extra >= n)
            return i; // truncated sequence at the end
        for (int k = 1; k <= extra; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        const bool overlong =
            (extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
        if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += extra + 1;
        if (multibyte)
            ++*multibyte;
    }
    return -1;
}

QString detectWithUchardet(const QByteArray& bytes) {
    std::unique_ptr<std::remove_pointer_t<uchardet_t>, decltype(&uchardet_delete)> ud(
        uchardet_new(), &uchardet_delete);
    // The first megabyte is plenty for a guess and keeps huge logs cheap.
    const qsizetype sample = qMin<qsizetype>(bytes.size(), 1 << 20);
    if (uchardet_handle_data(ud.get(), bytes.constData(), static_cast<size_t>(sample)) != 0)
        return {};
    uchardet_data_end(ud.get());
    return QString::fromLatin1(uchardet_get_charset(ud.get())).toUpper();
}

QString decodeWith(const QByteArray& bytes, QStringConverter::Encoding encoding, qsizetype skip) {
    QStringDecoder decoder(encoding, QStringConverter::Flag::Stateless);
    return decoder.decode(QByteArrayView(bytes.constData() + skip, bytes.size() - skip));
}

} // namespace

TextDecoder::Decoded TextDecoder::decode(const QByteArray& bytes) {
    if (bytes.startsWith("\xEF\xBB\xBF")) {
        const QByteArray rest = bytes.mid(3);
        if (const qsizetype bad = firstInvalidUtf8(rest); bad >= 0)
            throw ReadError(QStringLiteral("invalid UTF-8 at byte %1 although the file starts "
                                           "with a UTF-8 mark; re-save it as UTF-8")
                                .arg(bad + 3));
        return {QString::fromUtf8(rest), QStringLiteral("UTF-8")};
    }
    if (bytes.startsWith(QByteArrayView("\xFF\xFE\x00\x00", 4)))
        return {decodeWith(bytes, QStringConverter::Utf32LE, 4), QStringLiteral("UTF-32LE")};
    if (bytes.startsWith(QByteArrayView("\x00\x00\xFE\xFF", 4)))
        return {decodeWith(bytes, QStringConverter::Utf32BE, 4), QStringLiteral("UTF-32BE")};
    if (bytes.startsWith("\xFF\xFE"))
        return {decodeWith(bytes, QStringConverter::Utf16LE, 2), QStringLiteral("UTF-16LE")};
    if (bytes.startsWith("\xFE\xFF"))
        return {decodeWith(bytes, QStringConverter::Utf16BE, 2), QStringLiteral("UTF-16BE")};

    if (bytes.contains('\0'))
        throw ReadError(QStringLiteral("binary content (NUL bytes) in what looks like text"));

    qsizetype multibyte = 0;
    const qsizetype bad = firstInvalidUtf8(bytes, &multibyte);
    if (bad < 0)
        return {QString::fromUtf8(bytes), QStringLiteral("UTF-8")};
    // Legacy 8-bit text almost never contains a well-formed UTF-8 sequence by chance: text that
    // does is UTF-8 with damage, and decoding it any other way would garble every accent.
    if (multibyte > 0)
        throw ReadError(
            QStringLiteral("invalid UTF-8 at byte %1; re-save the file as UTF-8").arg(bad));

    const QString guess = detectWithUchardet(bytes);
    // Bytes that are mostly well-formed UTF-8 with a few broken sequences are damaged UTF-8, not
    // a legacy encoding: decoding them as Latin-1 would turn every accent into mojibake.
    if (guess.isEmpty() || guess == QLatin1String("UTF-8") || guess == QLatin1String("ASCII"))
        throw ReadError(
            QStringLiteral("invalid UTF-8 at byte %1; re-save the file as UTF-8").arg(bad));
    // Qt built with ICU decodes every legacy encoding uchardet names; without ICU only Latin-1
    // is built in, and Windows-1252 is Latin-1 with punctuation in 0x80-0x9f.
    const QByteArray name = guess.toLatin1();
    QStringDecoder legacy(name.constData(), QStringConverter::Flag::Stateless);
    QString text;
    if (legacy.isValid()) {
        text = legacy.decode(bytes);
    } else if (guess == QLatin1String("WINDOWS-1252") || guess == QLatin1String("ISO-8859-1") ||
               guess == QLatin1String("ISO-8859-15")) {
        text = decodeWith(bytes, QStringConverter::Latin1, 0);
        static const char16_t cp1252[32] = {
            0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
            0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
            0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178};
        for (QChar& ch : text) {
            if (ch.unicode() >= 0x80 && ch.unicode() <= 0x9f)
                ch = QChar(cp1252[ch.unicode() - 0x80]);
        }
    } else {
        throw ReadError(QStringLiteral("the text is in the %1 encoding, which this build cannot "
                                       "decode; re-save the file as UTF-8")
                            .arg(guess));
    }
    return {text, guess};
}

} // namespace quiver
