#include "core/ingest/guarded_xml_reader.h"

#include "core/ingest/read_context.h"
#include "core/ingest/read_error.h"

#include <QStringConverter>

namespace quiver {

namespace {

constexpr qint64 kTokensBetweenChecks = 4096;

char16_t unit(char c) {
    return static_cast<unsigned char>(c);
}
char16_t unit(QChar c) {
    return c.unicode();
}

// The most attributes any element could have: '=' then a quote, counted between one '<' and the
// next (text between tags only adds to the count, so this never counts too few).
template <typename Text>
bool tooManyAttributes(Text text) {
    const auto isSpace = [](char16_t c) {
        return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r';
    };
    int count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = unit(text[i]);
        if (c == u'<') {
            count = 0;
        } else if (c == u'=') {
            qsizetype j = i + 1;
            while (j < text.size() && isSpace(unit(text[j])))
                ++j;
            if (j < text.size() && (unit(text[j]) == u'"' || unit(text[j]) == u'\'') &&
                ++count > GuardedXmlReader::maxAttributes)
                return true;
        }
    }
    return false;
}

} // namespace

GuardedXmlReader::GuardedXmlReader(const QByteArray& xml, QString partName,
                                   const ReadContext* context)
    : m_part(std::move(partName))
    , m_context(context) {
    bool tooMany = false;
    // UTF-16 and UTF-32 parts are decoded first (their bytes hide the '<'); the others are
    // ASCII-compatible and scanned as they are.
    const auto encoding = QStringConverter::encodingForData(xml, '<');
    if (encoding && *encoding != QStringConverter::Utf8 && *encoding != QStringConverter::Latin1) {
        const QString text = QStringDecoder(*encoding).decode(xml);
        tooMany = tooManyAttributes(QStringView(text));
        m_reader.addData(text);
    } else {
        tooMany = tooManyAttributes(QByteArrayView(xml));
        m_reader.addData(xml);
    }
    if (tooMany)
        throw ReadError(QStringLiteral("%1 has an element with more than %2 attributes (made to "
                                       "be slow to read?); not read")
                            .arg(m_part)
                            .arg(maxAttributes));
}

QXmlStreamReader::TokenType GuardedXmlReader::readNext() {
    if (m_context && ++m_tokens % kTokensBetweenChecks == 0)
        m_context->checkCancelled();
    const QXmlStreamReader::TokenType token = m_reader.readNext();
    if (token == QXmlStreamReader::DTD && !m_reader.entityDeclarations().isEmpty())
        throw ReadError(QStringLiteral("%1 declares entities of its own (as in a \"billion "
                                       "laughs\" attack); office documents never do; not read")
                            .arg(m_part));
    return token;
}

void GuardedXmlReader::throwIfDamaged() const {
    if (m_reader.hasError())
        throw ReadError(QStringLiteral("damaged XML in %1 (line %2: %3)")
                            .arg(m_part)
                            .arg(m_reader.lineNumber())
                            .arg(m_reader.errorString()));
}

} // namespace quiver
