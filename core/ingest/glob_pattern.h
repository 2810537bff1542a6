#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace quiver {

// One gitignore-style glob over '/'-separated relative paths: '*' (any run of characters within
// one path segment), '?' (one character), '[...]' (a set: ranges, '!' or '^' to negate, '\'
// escapes), '**' as a whole segment (any number of segments, none included; trailing, at least
// one) and '\' before any character for the character itself.
//
// Compiled to tokens and matched without backtracking past the last '*' (and, between segments,
// past the last '**'), the way wildcard matching can be done in time bounded by the product of
// pattern and path lengths, never exponential: unlike a backtracking regular expression, a
// pattern such as "*a*a*a*a*a*a*a*b" against a long run of "a" costs a few passes over it.
class GlobPattern {
public:
    GlobPattern() = default; // matches nothing but the empty path
    explicit GlobPattern(const QString& pattern);

    // steps, when given, counts the character comparisons made (for tests and benchmarks).
    bool matches(QStringView relativePath, qint64* steps = nullptr) const;

private:
    struct Token {
        enum class Kind { Literal, AnyChar, Set, Star };
        Kind kind = Kind::Literal;
        char16_t ch = 0;
        bool negated = false;
        QList<QPair<char16_t, char16_t>> ranges; // Set: inclusive ranges
        bool accepts(QChar c) const;
    };
    struct Segment {
        bool anyDepth = false; // "**"
        QList<Token> tokens;
    };
    static Segment compileSegment(QStringView glob);
    static bool segmentMatches(const Segment& segment, QStringView name, qint64& steps);

    QList<Segment> m_segments;
};

} // namespace quiver
