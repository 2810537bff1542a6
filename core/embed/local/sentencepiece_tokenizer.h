#pragma once

#include <QString>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace quiver {

// The SentencePiece unigram tokenizer of the local sentence model, as its reference
// implementation computes it (the model was trained and published with that code, so its quirks
// are part of the model): NFKC normalisation, U+2581 for every ASCII space and one in front, a
// Viterbi search over the vocabulary's log-probabilities in which a character no piece starts with
// becomes the unknown id 0 (score 0), ties go to the later piece, and consecutive unknowns merge.
// Immutable after construction; encode() may be called from several threads.
class SentencePieceTokenizer {
public:
    struct Piece {
        QString text;
        double score = 0; // log-probability; the reference reads a missing score as 0
    };
    static constexpr int kUnknownId = 0;

    // The first `reserved` pieces (control symbols) are never produced by the search.
    explicit SentencePieceTokenizer(std::vector<Piece> pieces, int reserved = 6);

    std::vector<int> encode(const QString& text) const;
    int vocabularySize() const { return static_cast<int>(m_pieces.size()); }

private:
    struct Node {
        int piece = -1; // the vocabulary id ending here, -1 for an inner node
    };
    int child(int node, char32_t c) const;

    std::vector<Piece> m_pieces;
    std::vector<int> m_pieceLength; // in UTF-16 units, as the reference steps back by
    std::vector<Node> m_nodes;      // trie over code points; node 0 is the root
    std::unordered_map<std::uint64_t, int> m_edges; // (node << 32 | code point) -> child
};

} // namespace quiver
