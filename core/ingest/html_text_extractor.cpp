#include "core/ingest/html_text_extractor.h"

#include <QHash>
#include <QSet>

namespace quiver {

namespace {

const QSet<QString>& invisibleElements() {
    static const QSet<QString> s{
        QStringLiteral("script"),   QStringLiteral("style"),  QStringLiteral("noscript"),
        QStringLiteral("template"), QStringLiteral("svg"),    QStringLiteral("math"),
        QStringLiteral("head"),     QStringLiteral("iframe"), QStringLiteral("object")};
    return s;
}

const QSet<QString>& blockElements() {
    static const QSet<QString> s{
        QStringLiteral("p"),          QStringLiteral("div"),        QStringLiteral("br"),
        QStringLiteral("li"),         QStringLiteral("ul"),         QStringLiteral("ol"),
        QStringLiteral("h1"),         QStringLiteral("h2"),         QStringLiteral("h3"),
        QStringLiteral("h4"),         QStringLiteral("h5"),         QStringLiteral("h6"),
        QStringLiteral("tr"),         QStringLiteral("table"),      QStringLiteral("section"),
        QStringLiteral("article"),    QStringLiteral("header"),     QStringLiteral("footer"),
        QStringLiteral("nav"),        QStringLiteral("aside"),      QStringLiteral("main"),
        QStringLiteral("blockquote"), QStringLiteral("pre"),        QStringLiteral("hr"),
        QStringLiteral("dt"),         QStringLiteral("dd"),         QStringLiteral("dl"),
        QStringLiteral("figure"),     QStringLiteral("figcaption"), QStringLiteral("body"),
        QStringLiteral("title")};
    return s;
}

// Elements that end a paragraph (a blank line) rather than only a line.
bool isParagraph(const QString& name) {
    return name == QLatin1String("p") ||
           (name.size() == 2 && name[0] == QLatin1Char('h') && name[1] >= QLatin1Char('1') &&
            name[1] <= QLatin1Char('6'));
}

const QHash<QString, char16_t>& namedEntities() {
    static const QHash<QString, char16_t> e{
        {QStringLiteral("amp"), u'&'},         {QStringLiteral("lt"), u'<'},
        {QStringLiteral("gt"), u'>'},          {QStringLiteral("quot"), u'"'},
        {QStringLiteral("apos"), u'\''},       {QStringLiteral("nbsp"), u'\u00a0'},
        {QStringLiteral("copy"), u'\u00a9'},   {QStringLiteral("reg"), u'\u00ae'},
        {QStringLiteral("mdash"), u'\u2014'},  {QStringLiteral("ndash"), u'\u2013'},
        {QStringLiteral("hellip"), u'\u2026'}, {QStringLiteral("lsquo"), u'\u2018'},
        {QStringLiteral("rsquo"), u'\u2019'},  {QStringLiteral("ldquo"), u'\u201c'},
        {QStringLiteral("rdquo"), u'\u201d'},  {QStringLiteral("eacute"), u'\u00e9'},
        {QStringLiteral("egrave"), u'\u00e8'}, {QStringLiteral("auml"), u'\u00e4'},
        {QStringLiteral("ouml"), u'\u00f6'},   {QStringLiteral("uuml"), u'\u00fc'},
        {QStringLiteral("szlig"), u'\u00df'},  {QStringLiteral("euro"), u'\u20ac'},
        {QStringLiteral("middot"), u'\u00b7'}, {QStringLiteral("bull"), u'\u2022'}};
    return e;
}

QString readTagName(const QString& html, qsizetype& i) {
    const qsizetype start = i;
    while (i < html.size() && (html[i].isLetterOrNumber() || html[i] == QLatin1Char('-') ||
                               html[i] == QLatin1Char(':')))
        ++i;
    QString name = html.mid(start, i - start).toLower();
    // XHTML may prefix elements with a namespace: <h:p>.
    if (const qsizetype colon = name.lastIndexOf(QLatin1Char(':')); colon >= 0)
        name = name.mid(colon + 1);
    return name;
}

// Skips to just past the '>' that ends the tag, respecting quoted attribute values.
bool skipTag(const QString& html, qsizetype& i, bool& selfClosing) {
    QChar quote;
    selfClosing = false;
    while (i < html.size()) {
        const QChar c = html[i++];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
        } else if (c == QLatin1Char('>')) {
            selfClosing = i >= 2 && html[i - 2] == QLatin1Char('/');
            return true;
        }
    }
    return false;
}

void appendBreak(QString& out, int newlines) {
    while (out.endsWith(QLatin1Char(' ')))
        out.chop(1);
    int have = 0;
    for (qsizetype k = out.size() - 1; k >= 0 && out[k] == QLatin1Char('\n'); --k)
        ++have;
    if (out.isEmpty())
        return;
    for (; have < newlines; ++have)
        out.append(QLatin1Char('\n'));
}

} // namespace

QString HtmlTextExtractor::decodeEntities(const QString& text) {
    if (!text.contains(QLatin1Char('&')))
        return text;
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != QLatin1Char('&')) {
            out.append(text[i]);
            continue;
        }
        const qsizetype semi = text.indexOf(QLatin1Char(';'), i + 1);
        if (semi < 0 || semi - i > 12) {
            out.append(text[i]);
            continue;
        }
        const QString name = text.mid(i + 1, semi - i - 1);
        bool ok = false;
        char32_t cp = 0;
        if (name.startsWith(QLatin1Char('#'))) {
            if (name.size() > 1 && (name[1] == QLatin1Char('x') || name[1] == QLatin1Char('X')))
                cp = name.mid(2).toUInt(&ok, 16);
            else
                cp = name.mid(1).toUInt(&ok, 10);
            ok = ok && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
        } else if (const auto it = namedEntities().find(name); it != namedEntities().end()) {
            cp = *it;
            ok = true;
        }
        if (!ok) {
            out.append(text[i]);
            continue;
        }
        out.append(QString::fromUcs4(&cp, 1));
        i = semi;
    }
    return out;
}

HtmlTextExtractor::Result HtmlTextExtractor::extract(const QString& html) {
    Result r;
    QString out;
    QString pendingText;
    int invisibleDepth = 0;
    QString invisibleName;
    int preDepth = 0;
    bool inTitle = false;
    QString title;

    const auto flushText = [&]() {
        if (pendingText.isEmpty())
            return;
        QString t = decodeEntities(pendingText);
        pendingText.clear();
        if (inTitle) {
            title.append(t);
            return;
        }
        if (invisibleDepth > 0)
            return;
        if (preDepth > 0) {
            out.append(t);
            return;
        }
        // Collapse whitespace as a browser does; a space survives only between words.
        QString collapsed;
        collapsed.reserve(t.size());
        bool space =
            out.isEmpty() || out.endsWith(QLatin1Char(' ')) || out.endsWith(QLatin1Char('\n'));
        for (const QChar c : std::as_const(t)) {
            if (c.isSpace() && c != QChar(0xa0)) {
                if (!space)
                    collapsed.append(QLatin1Char(' '));
                space = true;
            } else {
                collapsed.append(c);
                space = false;
            }
        }
        out.append(collapsed);
    };

    qsizetype i = 0;
    const qsizetype n = html.size();
    while (i < n) {
        const QChar c = html[i];
        if (c != QLatin1Char('<')) {
            pendingText.append(c);
            ++i;
            continue;
        }
        if (html.mid(i, 4) == QLatin1String("<!--")) {
            const qsizetype end = html.indexOf(QLatin1String("-->"), i + 4);
            i = end < 0 ? n : end + 3;
            continue;
        }
        if (html.mid(i, 9).compare(QLatin1String("<![CDATA["), Qt::CaseInsensitive) == 0) {
            const qsizetype end = html.indexOf(QLatin1String("]]>"), i + 9);
            pendingText.append(html.mid(i + 9, (end < 0 ? n : end) - i - 9));
            i = end < 0 ? n : end + 3;
            continue;
        }
        if (i + 1 < n && (html[i + 1] == QLatin1Char('!') || html[i + 1] == QLatin1Char('?'))) {
            const qsizetype end = html.indexOf(QLatin1Char('>'), i);
            i = end < 0 ? n : end + 1;
            continue;
        }
        const bool closing = i + 1 < n && html[i + 1] == QLatin1Char('/');
        qsizetype j = i + (closing ? 2 : 1);
        if (j >= n || !html[j].isLetter()) {
            pendingText.append(c); // a lone '<' in text
            ++i;
            continue;
        }
        flushText();
        const QString name = readTagName(html, j);
        bool selfClosing = false;
        skipTag(html, j, selfClosing);
        i = j;

        if (invisibleDepth > 0) {
            if (name == invisibleName) {
                invisibleDepth += closing ? -1 : (selfClosing ? 0 : 1);
            }
            // The title sits inside <head>, which is otherwise invisible.
            if (name == QLatin1String("title"))
                inTitle = !closing && !selfClosing;
            continue;
        }
        if (name == QLatin1String("title")) {
            inTitle = !closing && !selfClosing;
            continue;
        }
        if (!closing && !selfClosing && invisibleElements().contains(name)) {
            invisibleDepth = 1;
            invisibleName = name;
            // Raw-text elements end only at their own closing tag, whatever they contain.
            if (name == QLatin1String("script") || name == QLatin1String("style")) {
                const QString endTag = QStringLiteral("</") + name;
                const qsizetype end = html.indexOf(endTag, i, Qt::CaseInsensitive);
                if (end < 0) {
                    i = n;
                } else {
                    i = end;
                }
            }
            continue;
        }
        if (name == QLatin1String("pre"))
            preDepth = qMax(0, preDepth + (closing ? -1 : 1));
        if (blockElements().contains(name))
            appendBreak(out, isParagraph(name) && closing ? 2 : 1);
        else if (name == QLatin1String("td") || name == QLatin1String("th"))
            out.append(QLatin1Char('\t'));
    }
    flushText();
    r.text = out.trimmed();
    r.title = title.simplified();
    return r;
}

} // namespace quiver
