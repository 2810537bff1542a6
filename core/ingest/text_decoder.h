#pragma once

#include <QByteArray>
#include <QString>

namespace quiver {

// Bytes of a text file to a QString. A byte-order mark decides UTF-8/UTF-16/UTF-32; otherwise
// uchardet guesses between UTF-8 and the legacy 8-bit encodings. Throws ReadError for bytes that
// are no text (NUL bytes without a UTF-16 mark) or that claim UTF-8 but are not.
class TextDecoder {
public:
    struct Decoded {
        QString text;
        QString encoding; // the name of the encoding used, e.g. "UTF-8", "WINDOWS-1252"
    };
    static Decoded decode(const QByteArray& bytes);
};

} // namespace quiver
