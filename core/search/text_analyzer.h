#pragma once

#include <QString>
#include <QStringView>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quiver {

// One analysed word of a text: its index term (UTF-8), its position among the text's words
// (stop words and dropped tokens still take a position, so a phrase keeps its gaps), and where
// it came from in the text (UTF-16 offsets into the QString given).
struct AnalyzedToken {
    std::string term;
    int position = 0;
    int start = 0;
    int length = 0;
};

// Turns text into the terms of keyword search: chunks at index time, queries at search time and
// result text for highlighting all go through the same rules, so a query word and the same word
// in a document always meet on the same term.
//
// 1. Tokens are maximal runs of letters, digits and combining marks. The invisible format
//    characters that PDFs leave inside words (soft hyphen, zero-width joiners) are dropped, not
//    split on, so "hyphen<SHY>ation" stays one word. An apostrophe (' or ’) between a letter or
//    digit and a letter stays inside ("don't", "o'neill", "1990's"), because splitting would
//    index the fragments "don" and "t". A trailing possessive "'s" is not part of the term
//    ("orbit's" → "orbit") but is part of the token's span, so highlighting marks the word as
//    written. Everything else (underscore, hyphen, dot) splits: "re-entry" is "re" and
//    "entry", "3.5" is "3" and "5", "snake_case" is "snake" and "case".
// 2. Case is folded with Unicode case folding plus the full foldings Qt leaves out (ß → ss,
//    ligatures such as ﬁ → fi, İ → i), and combining marks on Latin letters are removed
//    ("Café" → "cafe", "Müller" → "muller"), because people type the plain letters in a query.
//    Marks on other scripts stay (Cyrillic й, Devanagari vowel signs): there they are letters.
// 3. Han, Hiragana, Katakana and Hangul runs (and Thai, Lao, Khmer, Myanmar ones) become
//    overlapping character bigrams ("東京都" → "東京", "京都"), each at its own position, because
//    these scripts write words without spaces; a lone character is its own term.
// 4. For "english" the stop words of stop_words.h are dropped, as are tokens over 64 bytes
//    (hashes, base64, run-together URLs: never typed as a query word, each one unique, they
//    would only grow the vocabulary); both still take a position, so phrases keep their gaps.
// 5. The rest is stemmed with the language's Snowball stemmer ("orbits" → "orbit"), except
//    tokens holding a digit ("covid19", "2024"), which a stemmer would only mangle.
//
// Stems are cached per analyzer, keyed by the word (folded for ASCII words, as written
// otherwise): words follow Zipf's law, so most tokens cost a lookup instead of folding and
// stemming. The cache is bounded (cleared past ~200k entries); the terms handed out live in an
// arena that only grows (by the distinct words seen) until the analyzer is destroyed.
class TextAnalyzer {
public:
    // language: a Snowball algorithm name ("english", "german", "french", ...), or "none" for no
    // stemming. Stop words are English's for "english" and none otherwise. Throws
    // std::invalid_argument for an unknown language.
    explicit TextAnalyzer(const QString& language = QStringLiteral("english"));
    ~TextAnalyzer();
    // Not thread-safe (the stemmer and the cache are per instance): one per thread.
    TextAnalyzer(const TextAnalyzer&) = delete;
    TextAnalyzer& operator=(const TextAnalyzer&) = delete;

    const QString& language() const;
    // A short string that changes whenever the analysis of any text could change (stop list,
    // stemmer, tokenizer rules): persisted index files store it and rebuild when it differs.
    // It covers every language's stemmer, not the language: store language() beside it.
    static QString version();

    // Index-time path, fast: appends (term, position) for each kept word of text to out;
    // returns the number of positions used (the text's word count including stop words).
    // Terms appended are views into storage owned by the analyzer, valid until it is destroyed.
    int analyze(QStringView text, std::vector<std::pair<std::string_view, int>>& out);
    // The same analysis with source offsets (queries, highlighting).
    std::vector<AnalyzedToken> tokens(QStringView text);
    // The term of one word as the analyzer would index it; empty for a stop word or a word the
    // analyzer drops, and for a "word" that analyses into more than one position ("re-entry").
    std::string term(QStringView word);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver
