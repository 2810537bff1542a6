#pragma once

#include <QStringView>

namespace quiver {

// An upper estimate of how many tokens a subword tokenizer (SentencePiece, WordPiece, BPE) makes
// of a text, without its vocabulary. Rules:
//   - a run of letters costs 1 token per started 5 letters ("the" 1, "language" 2);
//   - a run of digits costs 1 token per started 2 digits (numbers split badly);
//   - every other visible character (punctuation, symbols, CJK ideographs, emoji) costs 1;
//   - whitespace costs nothing (SentencePiece folds it into the next piece).
// English prose comes out at ~1.5 tokens per word where SentencePiece models measure ~1.3, so
// a chunk within the budget by this count fits the model's window; over-estimating only makes
// chunks a little shorter than they could be.
class TokenEstimator {
public:
    static int estimate(QStringView text);
};

} // namespace quiver
