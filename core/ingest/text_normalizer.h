#pragma once

#include <QString>

namespace quiver {

// The one form every text takes before chunking: Unicode NFC, "\n" line endings, no control
// characters other than newline and tab, no trailing spaces, at most one blank line in a row.
class TextNormalizer {
public:
    static QString normalize(const QString& text);
};

} // namespace quiver
