#include "core/ingest/plain_text_reader.h"

#include "core/ingest/text_decoder.h"

#include <QRegularExpression>

namespace quiver {

namespace {

constexpr qsizetype kMaxTitleLine = 100;

// The first line, when it stands as a heading: alone in its paragraph (a blank line follows,
// and more text after it), short, with a letter in it, not ending like a clause of a sentence.
// Otherwise no title, and the file name stands in.
QString headingLine(const QString& text) {
    static const QRegularExpression paragraph(
        QStringLiteral("^\\s*([^\\n]*)\\n[ \\t\\r]*\\n\\s*\\S"));
    const QRegularExpressionMatch m = paragraph.match(text);
    if (!m.hasMatch())
        return {};
    const QString line = m.captured(1).simplified();
    if (line.isEmpty() || line.size() > kMaxTitleLine)
        return {};
    if (!std::any_of(line.begin(), line.end(), [](QChar c) { return c.isLetter(); }))
        return {};
    static const QString clauseEnds = QStringLiteral(".,;:");
    if (clauseEnds.contains(line.back()))
        return {};
    return line;
}

} // namespace

RawDocument PlainTextReader::read(const QByteArray& bytes, const ReadContext&) const {
    RawDocument doc;
    doc.pages.append(TextDecoder::decode(bytes).text);
    doc.title = headingLine(doc.pages.front());
    return doc;
}

} // namespace quiver
