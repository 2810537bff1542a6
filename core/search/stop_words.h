#pragma once

#include <span>
#include <string_view>

namespace quiver {

// The English stop words of keyword search: words so frequent and so empty of topic that
// indexing them costs postings without helping rank (see the list's comment in the .cpp for
// what is in and what is deliberately out). Entries are case-folded, without diacritics, with
// ASCII apostrophes: the form TextAnalyzer compares a folded word with, before stemming.
std::span<const std::string_view> englishStopWords();

// Whether a folded word (as above) is an English stop word. Thread-safe.
bool isEnglishStopWord(std::string_view foldedWord);

} // namespace quiver
