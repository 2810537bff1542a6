#pragma once

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

namespace quiver {

struct ReadContext;

// Text from the XML parts of office documents, driven by which elements (by local name) hold
// text, end paragraphs, stand for a tab or a line break, start a new page (slide), or hide
// their content. Parsed through GuardedXmlReader; throws ReadError on malformed or hostile XML.
// Bounded: a repeat count (ODF's <text:s text:c="n"/>) adds at most maxRepeat characters, and
// no more than context.maxTextChars characters are kept (the result is then marked truncated).
class XmlTextExtractor {
public:
    static constexpr int maxRepeat = 1000;

    struct Rules {
        QSet<QString> textElements;      // empty: all character data counts
        QSet<QString> paragraphElements; // end with a blank line
        QSet<QString> tabElements;
        QSet<QString> breakElements;
        QSet<QString> pageElements; // each starts a page; empty: one page
        QSet<QString> skipElements; // content ignored (deleted text, notes, ...)
        QString spaceElement;       // ODF <text:s text:c="n"/>: n spaces (its "c" attribute)
    };
    struct Result {
        QStringList pages;
        bool truncated = false; // stopped at context.maxTextChars
    };
    static Result extract(const QByteArray& xml, const Rules& rules, const QString& partName,
                          const ReadContext& context);
    // Text of the first element with this local name (titles in core.xml, meta.xml, OPF), at
    // most maxTitleChars of it.
    static QString firstElementText(const QByteArray& xml, const QString& localName,
                                    const QString& partName);
    static constexpr int maxTitleChars = 1000;
};

} // namespace quiver
