#pragma once

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

namespace quiver {

// Text from the XML parts of office documents, driven by which elements (by local name) hold
// text, end paragraphs, stand for a tab or a line break, start a new page (slide), or hide
// their content. Throws ReadError on malformed XML.
class XmlTextExtractor {
public:
    struct Rules {
        QSet<QString> textElements;      // empty: all character data counts
        QSet<QString> paragraphElements; // end with a blank line
        QSet<QString> tabElements;
        QSet<QString> breakElements;
        QSet<QString> pageElements; // each starts a page; empty: one page
        QSet<QString> skipElements; // content ignored (deleted text, notes, ...)
        QString spaceElement;       // ODF <text:s text:c="n"/>
    };
    static QStringList extract(const QByteArray& xml, const Rules& rules, const QString& partName);
    // Text of the first element with this local name (titles in core.xml, meta.xml, OPF).
    static QString firstElementText(const QByteArray& xml, const QString& localName);
};

} // namespace quiver
