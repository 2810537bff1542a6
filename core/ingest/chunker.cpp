#include "core/ingest/chunker.h"

#include "core/ingest/token_estimator.h"

#include <algorithm>

namespace quiver {

namespace {

// How strongly a position ends a piece of text: the boundary after a word.
enum Strength { Cut = 0, Word = 1, Sentence = 2, Line = 3, Paragraph = 4 };

struct Atom {
    qsizetype start = 0;
    qsizetype end = 0; // includes the whitespace that follows the word
    int tokens = 0;
    Strength after = Cut;
};

bool endsSentence(QChar c) {
    return c == QLatin1Char('.') || c == QLatin1Char('!') || c == QLatin1Char('?') ||
           c == QChar(0x3002) || c == QChar(0x2026);
}

// Words with the whitespace after them; words over the budget are cut into pieces that fit.
QList<Atom> atomize(const QString& text, int budget) {
    QList<Atom> atoms;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n && text[i].isSpace())
        ++i;
    while (i < n) {
        qsizetype wordEnd = i;
        while (wordEnd < n && !text[wordEnd].isSpace())
            ++wordEnd;
        qsizetype spaceEnd = wordEnd;
        int newlines = 0;
        while (spaceEnd < n && text[spaceEnd].isSpace()) {
            if (text[spaceEnd] == QLatin1Char('\n'))
                ++newlines;
            ++spaceEnd;
        }
        Strength after = Word;
        if (newlines >= 2 || spaceEnd == n)
            after = Paragraph;
        else if (newlines == 1)
            after = Line;
        else if (wordEnd > i && endsSentence(text[wordEnd - 1]))
            after = Sentence;

        const int tokens = TokenEstimator::estimate(QStringView(text).mid(i, wordEnd - i));
        if (tokens <= budget) {
            atoms.append({i, spaceEnd, tokens, after});
        } else {
            // A run without spaces longer than a chunk (a URL, base64, a long CJK line).
            qsizetype pos = i;
            while (pos < wordEnd) {
                qsizetype cut = pos;
                int used = 0;
                while (cut < wordEnd) {
                    qsizetype next = cut + 1;
                    if (text[cut].isHighSurrogate() && next < wordEnd &&
                        text[next].isLowSurrogate())
                        ++next;
                    // Combining marks stay with their base character.
                    while (next < wordEnd && text[next].isMark())
                        ++next;
                    const int t = TokenEstimator::estimate(QStringView(text).mid(pos, next - pos));
                    if (t > budget && cut > pos)
                        break;
                    used = t;
                    cut = next;
                }
                const bool last = cut >= wordEnd;
                atoms.append({pos, last ? spaceEnd : cut, used, last ? after : Cut});
                pos = cut;
            }
        }
        i = spaceEnd;
    }
    return atoms;
}

} // namespace

Chunker::Chunker(Settings settings)
    : m_settings(settings) {
    m_settings.maxTokens = std::max(8, m_settings.maxTokens);
    m_settings.overlapTokens = std::clamp(m_settings.overlapTokens, 0, m_settings.maxTokens / 2);
}

QList<TextChunk> Chunker::split(const QString& text, int reservedTokens) const {
    // The template's own words share the model's window; never let them take over half of it.
    const int budget = std::max(m_settings.maxTokens / 2, m_settings.maxTokens - reservedTokens);
    const int overlap = std::min(m_settings.overlapTokens, budget / 2);
    const QList<Atom> atoms = atomize(text, budget);
    QList<TextChunk> chunks;
    const qsizetype count = atoms.size();
    qsizetype first = 0;
    while (first < count) {
        // Extend the window as far as the budget allows.
        qsizetype last = first;
        int tokens = atoms[first].tokens;
        while (last + 1 < count && tokens + atoms[last + 1].tokens <= budget)
            tokens += atoms[++last].tokens;
        // End at the strongest boundary in the window's second half (the latest of equals).
        qsizetype end = last;
        if (last + 1 < count) {
            int best = -1;
            int running = 0;
            for (qsizetype k = first; k <= last; ++k) {
                running += atoms[k].tokens;
                if (running * 2 < tokens && k != last)
                    continue;
                if (atoms[k].after >= best) {
                    best = atoms[k].after;
                    end = k;
                }
            }
        }
        TextChunk chunk;
        chunk.start = atoms[first].start;
        chunk.end = atoms[end].end;
        while (chunk.end > chunk.start && text[chunk.end - 1].isSpace())
            --chunk.end;
        chunk.text = text.mid(chunk.start, chunk.end - chunk.start);
        chunk.tokens = TokenEstimator::estimate(chunk.text);
        chunks.append(chunk);
        if (end + 1 >= count)
            break;
        // Start the next chunk a few words back, for overlap, but always move forward.
        qsizetype next = end + 1;
        int carried = 0;
        while (next - 1 > first && carried + atoms[next - 1].tokens <= overlap &&
               atoms[next - 1].after != Paragraph) {
            carried += atoms[next - 1].tokens;
            --next;
        }
        first = next;
    }
    return chunks;
}

} // namespace quiver
