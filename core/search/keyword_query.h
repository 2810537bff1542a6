#pragma once

#include "core/search/text_analyzer.h"

#include <QString>

#include <string>
#include <utility>
#include <vector>

namespace quiver {

// A keyword query as the user typed it (web-search syntax): plain words are optional terms
// ranked by BM25 (OR semantics); "a phrase" must occur as a phrase; +word must occur; -word and
// -"a phrase" must not occur; "or"/"OR" between words is accepted and means what the default
// already means. Terms are analysed like the text (stems; stop words dropped).
struct KeywordPhrase {
    // Each term and its position relative to the first kept term of the phrase (stop words
    // leave gaps).
    std::vector<std::pair<std::string, int>> terms;

    bool operator==(const KeywordPhrase&) const = default;
};

struct KeywordQuery {
    // Distinct terms that score (includes the terms of required words and of phrases, each
    // once), in query order.
    std::vector<std::string> optional;
    std::vector<std::string> required; // +word terms (each must occur)
    std::vector<KeywordPhrase>
        phrases;                       // quoted words and phrases: passages holding them rank first
    std::vector<std::string> excluded; // -word terms
    std::vector<KeywordPhrase> excludedPhrases;
    bool isEmpty() const; // nothing to score (only stop words, only exclusions, or blank)
};

// Parses text with analyzer's rules. Never fails: what is not syntax is a word.
// - A sign ('+' or '-') counts at the start of a word, after the start of the query or a space,
//   and only when a word or a quote follows it: "re-entry" is the two words "re" and "entry",
//   "--" and a lone "-" are nothing.
// - A quote (", “, ” or „) opens a phrase up to the next quote, or to the end when none follows.
//   A phrase of only stop words is dropped; a phrase of one kept term is that term, required
//   (or excluded after '-').
// - A signed word that analyses into several terms ("+re-entry", "-e-mail") is a phrase of
//   them with that sign; unsigned, its terms are optional words.
// - Every list holds each term (or phrase) once, in the order the query first names it.
KeywordQuery parseKeywordQuery(const QString& text, TextAnalyzer& analyzer);

} // namespace quiver
