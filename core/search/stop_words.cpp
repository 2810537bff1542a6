#include "core/search/stop_words.h"

#include <iterator>
#include <unordered_set>

namespace quiver {

namespace {

// English function words: articles, pronouns and their contractions, the auxiliaries be/have/do
// and the modals that are never nouns, prepositions, conjunctions, question words and a few
// quantifiers and adverbs, in the spirit of the classic lists (Snowball's, SMART's short core).
// Deliberately out: negations ("not", "no", "nor", "never", "neither", "without" and the "n't"
// contractions), because "drugs not approved" and "drugs approved" are different questions; and
// the modals that are also common nouns ("will", "may", "can", "might", "must"), because "last
// will" and "May 2021" are real searches. Anything kept out only costs a posting list.
constexpr std::string_view kWords[] = {
    // articles, determiners, demonstratives
    "a", "an", "the", "this", "that", "these", "those", "such",
    // personal, possessive and reflexive pronouns
    "i", "me", "my", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it",
    "its", "itself", "they", "them", "their", "theirs", "themselves",
    // pronoun contractions ("it's", "he's", "that's" lose their "'s" before this list is asked)
    "i'm", "i've", "i'd", "i'll", "you're", "you've", "you'd", "you'll", "he'd", "he'll", "she'd",
    "she'll", "we're", "we've", "we'd", "we'll", "they're", "they've", "they'd", "they'll",
    // question words and relatives
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
    // auxiliaries
    "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
    "does", "did", "doing", "would", "should", "could", "shall", "ought",
    // prepositions
    "about", "above", "after", "against", "at", "before", "below", "between", "by", "down",
    "during", "for", "from", "in", "into", "of", "off", "on", "onto", "out", "over", "through",
    "to", "under", "until", "up", "upon", "with", "within",
    // conjunctions
    "and", "but", "if", "or", "because", "as", "so", "than", "then", "while", "though", "although",
    "whether", "either", "both",
    // quantifiers and adverbs without a topic of their own
    "all", "any", "each", "few", "more", "most", "other", "some", "own", "same", "too", "very",
    "only", "also", "just", "again", "further", "once", "here", "there"};

} // namespace

std::span<const std::string_view> englishStopWords() {
    return kWords;
}

bool isEnglishStopWord(std::string_view foldedWord) {
    static const std::unordered_set<std::string_view> set(std::begin(kWords), std::end(kWords));
    return set.contains(foldedWord);
}

} // namespace quiver
