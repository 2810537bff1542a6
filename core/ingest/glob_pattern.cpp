#include "core/ingest/glob_pattern.h"

namespace quiver {

namespace {

// The characters of a set "[...]" from just after '[' (and its '!' or '^'); returns the index
// of the closing ']', or -1 when there is none (the '[' is then an ordinary character).
qsizetype setEnd(QStringView glob, qsizetype start) {
    for (qsizetype j = start; j < glob.size(); ++j) {
        if (glob[j] == QLatin1Char('\\')) {
            ++j;
            continue;
        }
        // A ']' right at the start is a member, as in fnmatch: "[]a]".
        if (glob[j] == QLatin1Char(']') && j > start)
            return j;
    }
    return -1;
}

// Wildcard matching of a text against a pattern whose items are stars (any run, none
// included) or single-item tests. On a mismatch only the most recent star takes one more item:
// an earlier star could not do better, since the later one can absorb anything the earlier one
// would. Each (pattern item, text item) pair is then tested at most once: no exponential
// backtracking, and in practice a few passes over the text. steps counts the loop's turns.
template <typename IsStar, typename Accepts>
bool greedyMatch(qsizetype patternSize, qsizetype textSize, IsStar isStar, Accepts accepts,
                 qint64& steps) {
    qsizetype p = 0, t = 0;
    qsizetype star = -1, starMark = 0;
    while (t < textSize) {
        ++steps;
        if (p < patternSize && isStar(p)) {
            star = p++;
            starMark = t;
        } else if (p < patternSize && accepts(p, t)) {
            ++p;
            ++t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++starMark;
        } else {
            return false;
        }
    }
    while (p < patternSize && isStar(p))
        ++p;
    return p == patternSize;
}

} // namespace

bool GlobPattern::Token::accepts(QChar c) const {
    switch (kind) {
    case Kind::Literal:
        return c.unicode() == ch;
    case Kind::AnyChar:
        return true;
    case Kind::Set: {
        bool in = false;
        for (const auto& [low, high] : ranges) {
            if (c.unicode() >= low && c.unicode() <= high) {
                in = true;
                break;
            }
        }
        return in != negated;
    }
    case Kind::Star:
        break;
    }
    return false;
}

GlobPattern::Segment GlobPattern::compileSegment(QStringView glob) {
    Segment segment;
    if (glob == QLatin1String("**")) {
        segment.anyDepth = true;
        return segment;
    }
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob[i];
        Token t;
        if (c == QLatin1Char('*')) {
            // "a**b" is "a*b": only a whole segment of two stars spans folders.
            if (!segment.tokens.isEmpty() && segment.tokens.last().kind == Token::Kind::Star)
                continue;
            t.kind = Token::Kind::Star;
        } else if (c == QLatin1Char('?')) {
            t.kind = Token::Kind::AnyChar;
        } else if (c == QLatin1Char('[')) {
            qsizetype start = i + 1;
            if (start < glob.size() &&
                (glob[start] == QLatin1Char('!') || glob[start] == QLatin1Char('^'))) {
                t.negated = true;
                ++start;
            }
            const qsizetype end = setEnd(glob, start);
            if (end < 0) {
                t.ch = c.unicode();
            } else {
                t.kind = Token::Kind::Set;
                for (qsizetype j = start; j < end; ++j) {
                    if (glob[j] == QLatin1Char('\\') && j + 1 < end)
                        ++j;
                    char16_t low = glob[j].unicode();
                    char16_t high = low;
                    if (j + 2 < end && glob[j + 1] == QLatin1Char('-')) {
                        j += 2;
                        if (glob[j] == QLatin1Char('\\') && j + 1 < end)
                            ++j;
                        high = glob[j].unicode();
                    }
                    if (low <= high)
                        t.ranges.append({low, high});
                }
                i = end;
            }
        } else if (c == QLatin1Char('\\') && i + 1 < glob.size()) {
            t.ch = glob[++i].unicode();
        } else {
            t.ch = c.unicode();
        }
        segment.tokens.append(t);
    }
    return segment;
}

GlobPattern::GlobPattern(const QString& pattern) {
    const QList<QStringView> parts = QStringView(pattern).split(QLatin1Char('/'));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (parts[i].isEmpty())
            continue; // "a//b" is "a/b"
        Segment s = compileSegment(parts[i]);
        // A trailing "**" matches everything inside, not the folder itself: one segment, then
        // any number more.
        if (s.anyDepth && i + 1 == parts.size())
            m_segments.append(compileSegment(u"*"));
        m_segments.append(std::move(s));
    }
}

bool GlobPattern::segmentMatches(const Segment& segment, QStringView name, qint64& steps) {
    const QList<Token>& tokens = segment.tokens;
    return greedyMatch(
        tokens.size(), name.size(),
        [&](qsizetype t) { return tokens[t].kind == Token::Kind::Star; },
        [&](qsizetype t, qsizetype n) { return tokens[t].accepts(name[n]); }, steps);
}

bool GlobPattern::matches(QStringView relativePath, qint64* steps) const {
    qint64 localSteps = 0;
    qint64& count = steps ? *steps : localSteps;
    const QList<QStringView> names = relativePath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    // The same scheme one level up: "**" is the star, each other segment matches one name.
    return greedyMatch(
        m_segments.size(), names.size(), [&](qsizetype p) { return m_segments[p].anyDepth; },
        [&](qsizetype p, qsizetype s) { return segmentMatches(m_segments[p], names[s], count); },
        count);
}

} // namespace quiver
