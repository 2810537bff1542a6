#include "core/ingest/xml_text_extractor.h"

#include "core/ingest/read_error.h"

#include <QXmlStreamReader>

namespace quiver {

QStringList XmlTextExtractor::extract(const QByteArray& xml, const Rules& rules,
                                      const QString& partName) {
    QXmlStreamReader reader(xml);
    QStringList pages;
    QString current;
    int textDepth = 0;
    int skipDepth = 0;
    bool anyPage = false;
    const auto endParagraph = [&current]() {
        while (current.endsWith(QLatin1Char(' ')))
            current.chop(1);
        if (!current.isEmpty() && !current.endsWith(QStringLiteral("\n\n")))
            current.append(current.endsWith(QLatin1Char('\n')) ? QStringLiteral("\n")
                                                               : QStringLiteral("\n\n"));
    };
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            const QString name = reader.name().toString();
            if (skipDepth > 0 || rules.skipElements.contains(name)) {
                ++skipDepth;
                continue;
            }
            if (rules.pageElements.contains(name)) {
                if (anyPage)
                    pages.append(current);
                current.clear();
                anyPage = true;
            } else if (rules.textElements.contains(name)) {
                ++textDepth;
            } else if (rules.tabElements.contains(name)) {
                current.append(QLatin1Char('\t'));
            } else if (rules.breakElements.contains(name)) {
                current.append(QLatin1Char('\n'));
            } else if (!rules.spaceElement.isEmpty() && name == rules.spaceElement) {
                const int count = reader.attributes().value(QLatin1String("c")).toInt();
                current.append(QString(qMax(1, count), QLatin1Char(' ')));
            }
        } else if (token == QXmlStreamReader::EndElement) {
            const QString name = reader.name().toString();
            if (skipDepth > 0) {
                --skipDepth;
                continue;
            }
            if (rules.textElements.contains(name))
                textDepth = qMax(0, textDepth - 1);
            else if (rules.paragraphElements.contains(name))
                endParagraph();
        } else if (token == QXmlStreamReader::Characters && skipDepth == 0) {
            if (rules.textElements.isEmpty() || textDepth > 0)
                current.append(reader.text());
        }
    }
    if (reader.hasError())
        throw ReadError(QStringLiteral("damaged XML in %1 (line %2: %3)")
                            .arg(partName)
                            .arg(reader.lineNumber())
                            .arg(reader.errorString()));
    pages.append(current);
    return pages;
}

QString XmlTextExtractor::firstElementText(const QByteArray& xml, const QString& localName) {
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == localName)
            return reader.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
    }
    return {};
}

} // namespace quiver
