#include "core/ingest/html_markup_limiter.h"

#include <QHash>

#include <cstring>
#include <vector>

namespace quiver {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool oneOf(const QByteArray& name, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        if (name == n)
            return true;
    }
    return false;
}

// Elements that never have content.
bool isVoid(const QByteArray& name) {
    return oneOf(name, {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                        "image", "img", "input", "keygen", "link", "meta", "param", "source",
                        "track", "wbr"});
}

// Elements whose end tag may be left out: the tree builder closes them on its own (a <p>
// closes the open <p>), so they do not nest through themselves and are not counted as depth.
bool closesItself(const QByteArray& name) {
    return oneOf(name, {"p",     "li",    "dt",       "dd",      "option", "optgroup", "rb",
                        "rt",    "rtc",   "rp",       "tr",      "td",     "th",       "tbody",
                        "thead", "tfoot", "colgroup", "caption", "html",   "head",     "body"});
}

// Elements whose content the tokenizer reads as text up to their own end tag.
bool isRawText(const QByteArray& name) {
    return oneOf(name,
                 {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"});
}

class Pass {
public:
    Pass(QByteArrayView in, bool xhtml, const HtmlMarkupLimiter::Limits& limits)
        : m_in(in)
        , m_xhtml(xhtml)
        , m_limits(limits) {
        m_out.reserve(in.size() + in.size() / 16);
    }

    HtmlMarkupLimiter::Result run();

private:
    struct Tag {
        QByteArray name;
        bool end = false;
        bool selfClosing = false;
    };

    qsizetype find(char c, qsizetype from) const {
        if (from >= m_in.size())
            return -1;
        const void* hit = std::memchr(m_in.data() + from, c, size_t(m_in.size() - from));
        return hit ? static_cast<const char*>(hit) - m_in.data() : -1;
    }
    bool at(qsizetype i, const char* s) const {
        const qsizetype n = qsizetype(std::strlen(s));
        return i + n <= m_in.size() && std::memcmp(m_in.data() + i, s, size_t(n)) == 0;
    }
    char ch(qsizetype i) const { return i < m_in.size() ? m_in[i] : '\0'; }

    qsizetype commentEnd(qsizetype i) const;
    qsizetype readTag(qsizetype i, Tag& tag) const;
    void startTag(const Tag& tag, qsizetype& i);
    void endTag(const Tag& tag);
    void rawText(const QByteArray& name, qsizetype& i);
    void appendAsText(qsizetype end, qsizetype& i); // from i to end, every '<' as "&lt;"
    bool countTag();
    void pop(const QByteArray& name);

    QByteArrayView m_in;
    bool m_xhtml = false;
    HtmlMarkupLimiter::Limits m_limits;
    QByteArray m_out;
    qint64 m_tags = 0;
    qint64 m_dropped = 0;
    std::vector<QByteArray> m_stack; // open elements, as far as this pass can tell
    QHash<QByteArray, int> m_open;   // name -> how many on m_stack
    QHash<QByteArray, int> m_left;   // name -> start tags left out whose end tags are pending
    int m_foreign = 0;               // <svg> and <math> on m_stack
};

// Where a comment that starts at i ("<!--") ends, as the HTML5 tokenizer sees it: at "-->",
// "--!>", right away for "<!-->" and "<!--->", or at the end of the input.
qsizetype Pass::commentEnd(qsizetype i) const {
    qsizetype k = i + 4;
    if (ch(k) == '>')
        return k + 1;
    if (ch(k) == '-' && ch(k + 1) == '>')
        return k + 2;
    for (;;) {
        const qsizetype dash = find('-', k);
        if (dash < 0)
            return m_in.size();
        if (ch(dash + 1) == '-') {
            if (ch(dash + 2) == '>')
                return dash + 3;
            if (ch(dash + 2) == '!' && ch(dash + 3) == '>')
                return dash + 4;
        }
        k = dash + 1;
    }
}

// Reads the tag that starts at i ('<' then a letter, or "</" then a letter) the way the HTML5
// tokenizer does: quotes count only around attribute values. Returns the index past its '>',
// or -1 when the input ends inside it (the tokenizer then drops it).
qsizetype Pass::readTag(qsizetype i, Tag& tag) const {
    qsizetype p = i + 1;
    tag.end = ch(p) == '/';
    if (tag.end)
        ++p;
    const qsizetype nameStart = p;
    while (p < m_in.size() && !isSpace(m_in[p]) && m_in[p] != '/' && m_in[p] != '>')
        ++p;
    tag.name.resize(p - nameStart);
    for (qsizetype k = 0; k < tag.name.size(); ++k)
        tag.name[k] = lower(m_in[nameStart + k]);
    enum class State { BeforeName, Name, AfterName, BeforeValue };
    State state = State::BeforeName;
    while (p < m_in.size()) {
        const char c = m_in[p];
        if (c == '>')
            return p + 1;
        switch (state) {
        case State::BeforeName:
        case State::AfterName:
            if (isSpace(c)) {
                ++p;
            } else if (c == '/') {
                ++p;
                tag.selfClosing = ch(p) == '>';
                state = State::BeforeName;
            } else if (c == '=' && state == State::AfterName) {
                ++p;
                state = State::BeforeValue;
            } else {
                ++p; // the first character of a name, even '=' or a quote
                state = State::Name;
            }
            break;
        case State::Name:
            if (isSpace(c) || c == '/') {
                state = State::AfterName;
            } else if (c == '=') {
                ++p;
                state = State::BeforeValue;
            } else {
                ++p;
            }
            break;
        case State::BeforeValue:
            if (isSpace(c)) {
                ++p;
            } else if (c == '"' || c == '\'') {
                const qsizetype close = find(c, p + 1);
                if (close < 0)
                    return -1;
                p = close + 1;
                state = State::BeforeName;
            } else {
                while (p < m_in.size() && !isSpace(m_in[p]) && m_in[p] != '>')
                    ++p;
                state = State::BeforeName;
            }
            break;
        }
    }
    return -1;
}

bool Pass::countTag() {
    if (m_tags >= m_limits.maxTags) {
        ++m_dropped;
        return false;
    }
    ++m_tags;
    return true;
}

void Pass::pop(const QByteArray& name) {
    while (!m_stack.empty()) {
        const QByteArray top = std::move(m_stack.back());
        m_stack.pop_back();
        if (--m_open[top] == 0)
            m_open.remove(top);
        if (top == "svg" || top == "math")
            --m_foreign;
        if (top == name)
            return;
    }
}

void Pass::startTag(const Tag& tag, qsizetype& i) {
    const QByteArray& name = tag.name;
    if (isVoid(name)) {
        if (countTag())
            m_out += '<' + name + '>';
        return;
    }
    if (m_xhtml && tag.selfClosing) {
        if (countTag())
            m_out += '<' + name + "></" + name + '>';
        return;
    }
    const bool counted = !closesItself(name);
    if (counted && qsizetype(m_stack.size()) >= m_limits.maxDepth) {
        ++m_dropped;
        ++m_left[name];
        return;
    }
    if (!countTag()) {
        if (counted)
            ++m_left[name];
        return;
    }
    m_out += '<' + name + '>';
    const bool foreign = m_foreign > 0;
    if (counted) {
        m_stack.push_back(name);
        ++m_open[name];
        if (name == "svg" || name == "math")
            ++m_foreign;
    }
    if (foreign)
        return; // <script> or <title> inside SVG is markup, not raw text
    if (name == "plaintext") {
        // Everything after it is text.
        appendAsText(m_in.size(), i);
        return;
    }
    if (isRawText(name))
        rawText(name, i);
}

// Copies the content of a raw-text element up to its end tag, with every '<' made text.
void Pass::rawText(const QByteArray& name, qsizetype& i) {
    qsizetype end = m_in.size();
    for (qsizetype k = find('<', i); k >= 0; k = find('<', k + 1)) {
        if (ch(k + 1) != '/')
            continue;
        const qsizetype n = k + 2;
        bool same = n + name.size() <= m_in.size();
        for (qsizetype j = 0; same && j < name.size(); ++j)
            same = lower(m_in[n + j]) == name[j];
        const char after = ch(n + name.size());
        if (same && (isSpace(after) || after == '/' || after == '>')) {
            end = k;
            break;
        }
    }
    appendAsText(end, i);
}

void Pass::appendAsText(qsizetype end, qsizetype& i) {
    for (; i < end; ++i) {
        if (m_in[i] == '<')
            m_out.append("&lt;");
        else
            m_out.append(m_in[i]);
    }
}

void Pass::endTag(const Tag& tag) {
    const QByteArray& name = tag.name;
    // Elements left out were the innermost when they started, and stay so: an end tag with
    // their name is theirs, and one that closes an element below them closes them too.
    if (const auto it = m_left.find(name); it != m_left.end()) {
        if (--*it == 0)
            m_left.erase(it);
        ++m_dropped;
        return;
    }
    if (m_open.value(name) > 0) {
        pop(name);
        m_left.clear();
    }
    if (countTag())
        m_out += "</" + name + '>';
}

HtmlMarkupLimiter::Result Pass::run() {
    qsizetype i = 0;
    const qsizetype n = m_in.size();
    while (i < n) {
        const qsizetype lt = find('<', i);
        if (lt < 0) {
            m_out.append(m_in.data() + i, n - i);
            break;
        }
        m_out.append(m_in.data() + i, lt - i);
        i = lt;
        const char next = ch(i + 1);
        if (next == '!') {
            if (at(i, "<!--")) {
                i = commentEnd(i);
            } else if (at(i, "<![CDATA[") && m_foreign > 0) {
                // Character data in SVG or MathML: text, written as text.
                qsizetype end = i + 9;
                while (end < n && !at(end, "]]>"))
                    ++end;
                for (qsizetype k = i + 9; k < end; ++k) {
                    if (m_in[k] == '<')
                        m_out.append("&lt;");
                    else if (m_in[k] == '&')
                        m_out.append("&amp;");
                    else
                        m_out.append(m_in[k]);
                }
                i = end < n ? end + 3 : n;
            } else {
                // A doctype or a bogus comment: up to the next '>'.
                const qsizetype gt = find('>', i);
                i = gt < 0 ? n : gt + 1;
            }
        } else if (next == '?' || (next == '/' && !isAlpha(ch(i + 2)))) {
            const qsizetype gt = find('>', i);
            i = gt < 0 ? n : gt + 1;
        } else if (isAlpha(next) || next == '/') {
            Tag tag;
            const qsizetype after = readTag(i, tag);
            if (after < 0)
                break; // the input ends inside the tag
            i = after;
            if (tag.end)
                endTag(tag);
            else
                startTag(tag, i);
        } else {
            m_out += "&lt;";
            ++i;
        }
    }
    return {std::move(m_out), m_tags, m_dropped};
}

} // namespace

HtmlMarkupLimiter::Result HtmlMarkupLimiter::limit(QByteArrayView html, bool xhtml,
                                                   const Limits& limits) {
    return Pass(html, xhtml, limits).run();
}

} // namespace quiver
