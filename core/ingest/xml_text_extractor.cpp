#include "core/ingest/xml_text_extractor.h"

#include "core/ingest/guarded_xml_reader.h"
#include "core/ingest/read_context.h"

namespace quiver {

namespace {

// The repeat count of a space element: its attribute "c" in whatever namespace (ODF writes
// text:c), at least 1 and at most XmlTextExtractor::maxRepeat.
int repeatCount(const QXmlStreamAttributes& attributes) {
    for (const QXmlStreamAttribute& a : attributes) {
        if (a.name() == QLatin1String("c")) {
            bool ok = false;
            const qlonglong n = a.value().trimmed().toLongLong(&ok);
            if (!ok)
                return 1;
            return int(std::clamp<qlonglong>(n, 1, XmlTextExtractor::maxRepeat));
        }
    }
    return 1;
}

} // namespace

XmlTextExtractor::Result XmlTextExtractor::extract(const QByteArray& xml, const Rules& rules,
                                                   const QString& partName,
                                                   const ReadContext& context) {
    GuardedXmlReader guarded(xml, partName, &context);
    QXmlStreamReader& reader = guarded.reader();
    Result result;
    QString current;
    qint64 kept = 0; // characters in finished pages
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
    while (!guarded.atEnd()) {
        if (kept + current.size() > context.maxTextChars) {
            result.truncated = true;
            break;
        }
        const auto token = guarded.readNext();
        if (token == QXmlStreamReader::StartElement) {
            const QString name = reader.name().toString();
            if (skipDepth > 0 || rules.skipElements.contains(name)) {
                ++skipDepth;
                continue;
            }
            if (rules.pageElements.contains(name)) {
                if (anyPage) {
                    kept += current.size();
                    result.pages.append(current);
                }
                current.clear();
                anyPage = true;
            } else if (rules.textElements.contains(name)) {
                ++textDepth;
            } else if (rules.tabElements.contains(name)) {
                current.append(QLatin1Char('\t'));
            } else if (rules.breakElements.contains(name)) {
                current.append(QLatin1Char('\n'));
            } else if (!rules.spaceElement.isEmpty() && name == rules.spaceElement) {
                current.append(QString(repeatCount(reader.attributes()), QLatin1Char(' ')));
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
            // One past the limit at most: enough to know the text was cut.
            const qint64 room = context.maxTextChars + 1 - kept - current.size();
            if (rules.textElements.isEmpty() || textDepth > 0)
                current.append(reader.text().left(qsizetype(std::max<qint64>(room, 0))));
        }
    }
    if (!result.truncated)
        guarded.throwIfDamaged();
    result.pages.append(current);
    return result;
}

QString XmlTextExtractor::firstElementText(const QByteArray& xml, const QString& localName,
                                           const QString& partName) {
    GuardedXmlReader guarded(xml, partName);
    QXmlStreamReader& reader = guarded.reader();
    while (!guarded.atEnd()) {
        if (guarded.readNext() != QXmlStreamReader::StartElement || reader.name() != localName)
            continue;
        // Character data only, up to the element's end, and no more of it than a title needs.
        QString text;
        int depth = 1;
        while (depth > 0 && !guarded.atEnd() && text.size() <= maxTitleChars) {
            const auto token = guarded.readNext();
            if (token == QXmlStreamReader::StartElement)
                ++depth;
            else if (token == QXmlStreamReader::EndElement)
                --depth;
            else if (token == QXmlStreamReader::Characters)
                text.append(reader.text().left(maxTitleChars + 1 - text.size()));
        }
        return text.left(maxTitleChars).simplified();
    }
    return {};
}

} // namespace quiver
