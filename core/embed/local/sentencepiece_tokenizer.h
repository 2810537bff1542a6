#pragma once

#include <QString>

#include <cstdint>
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
    // A trie over code points, node 0 the root. Each node's edges are a sorted run of m_edges.
    struct Node {
        int piece = -1; // the vocabulary id ending here, -1 for an inner node
        std::uint32_t firstEdge = 0;
        std::uint32_t edgeCount = 0;
    };
    struct Edge {
        char32_t symbol;
        int child;
    };
    int child(int node, char32_t c) const;

    std::vector<Piece> m_pieces;
    std::vector<int> m_pieceLength; // in UTF-16 units, as the reference steps back by
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
    std::vector<int> m_rootChildren; // the root's child for each BMP code point (-1: none): the
                                     // lookup made at every position, so a direct one
};

} // namespace quiver
