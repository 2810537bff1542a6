#include "core/search/keyword_query.h"

#include <algorithm>

namespace quiver {

namespace {

bool isQuote(QChar c) {
    return c == QLatin1Char('"') || c == QChar(0x201C) || c == QChar(0x201D) || c == QChar(0x201E);
}

template <class T>
void addOnce(std::vector<T>& list, const T& item) {
    if (std::find(list.begin(), list.end(), item) == list.end())
        list.push_back(item);
}

enum class Sign { None, Required, Excluded };

// Adds the analysed words of one word or phrase of the query.
void add(KeywordQuery& q, const std::vector<AnalyzedToken>& tokens, Sign sign, bool phrase) {
    if (tokens.empty())
        return; // only stop words, or only punctuation
    if (tokens.size() == 1) {
        const std::string& t = tokens.front().term;
        if (sign == Sign::Excluded) {
            addOnce(q.excluded, t);
            return;
        }
        if (sign == Sign::Required)
            addOnce(q.required, t);
        else if (phrase) // quoted: ranks first, like any phrase, without excluding the rest
            addOnce(q.phrases, KeywordPhrase{{{t, 0}}});
        addOnce(q.optional, t);
        return;
    }
    if (!phrase && sign == Sign::None) {
        for (const AnalyzedToken& t : tokens)
            addOnce(q.optional, t.term);
        return;
    }
    KeywordPhrase p;
    for (const AnalyzedToken& t : tokens)
        p.terms.emplace_back(t.term, t.position - tokens.front().position);
    if (sign == Sign::Excluded) {
        addOnce(q.excludedPhrases, p);
        return;
    }
    addOnce(q.phrases, p);
    for (const AnalyzedToken& t : tokens)
        addOnce(q.optional, t.term);
}

} // namespace

bool KeywordQuery::isEmpty() const {
    return optional.empty();
}

KeywordQuery parseKeywordQuery(const QString& text, TextAnalyzer& analyzer) {
    KeywordQuery q;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        if (text.at(i).isSpace()) {
            ++i;
            continue;
        }
        Sign sign = Sign::None;
        const QChar c = text.at(i);
        if ((c == QLatin1Char('-') || c == QLatin1Char('+')) &&
            (i == 0 || text.at(i - 1).isSpace())) {
            const QChar next = i + 1 < n ? text.at(i + 1) : QChar(QChar::Space);
            if (next.isSpace() || next == QLatin1Char('-') || next == QLatin1Char('+')) {
                ++i; // a sign before nothing, or one of "--": not syntax, and not a word either
                continue;
            }
            sign = c == QLatin1Char('-') ? Sign::Excluded : Sign::Required;
            ++i;
        }
        if (isQuote(text.at(i))) {
            qsizetype end = i + 1;
            while (end < n && !isQuote(text.at(end)))
                ++end;
            add(q, analyzer.tokens(QStringView(text).mid(i + 1, end - i - 1)), sign, true);
            i = std::min(end + 1, n);
            continue;
        }
        qsizetype end = i;
        while (end < n && !text.at(end).isSpace() && !isQuote(text.at(end)))
            ++end;
        const QStringView word = QStringView(text).mid(i, end - i);
        i = end;
        if (sign == Sign::None && word.compare(QLatin1String("or"), Qt::CaseInsensitive) == 0)
            continue;
        add(q, analyzer.tokens(word), sign, false);
    }
    return q;
}

} // namespace quiver
