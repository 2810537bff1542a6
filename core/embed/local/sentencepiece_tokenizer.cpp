#include "core/embed/local/sentencepiece_tokenizer.h"

#include <QList>

#include <algorithm>
#include <map>

namespace quiver {

namespace {

constexpr char32_t kSpaceMark = 0x2581; // '▁'

std::vector<char32_t> toCodePoints(const QString& s) {
    std::vector<char32_t> out;
    out.reserve(static_cast<std::size_t>(s.size()));
    for (const char32_t c : s.toUcs4())
        out.push_back(c);
    return out;
}

} // namespace

SentencePieceTokenizer::SentencePieceTokenizer(std::vector<Piece> pieces, int reserved)
    : m_pieces(std::move(pieces)) {
    m_pieceLength.reserve(m_pieces.size());
    for (const Piece& p : m_pieces)
        m_pieceLength.push_back(static_cast<int>(p.text.size()));
    // Built with a map per node, then flattened into sorted edge runs for fast lookups.
    std::vector<std::map<char32_t, int>> children(1);
    std::vector<int> pieceAt(1, -1);
    for (int id = std::max(reserved, 0); id < vocabularySize(); ++id) {
        int node = 0;
        for (const char32_t c : toCodePoints(m_pieces[static_cast<std::size_t>(id)].text)) {
            auto& edges = children[static_cast<std::size_t>(node)];
            auto it = edges.find(c);
            if (it == edges.end()) {
                it = edges.emplace(c, static_cast<int>(children.size())).first;
                children.emplace_back();
                pieceAt.push_back(-1);
            }
            node = it->second;
        }
        if (node != 0)
            pieceAt[static_cast<std::size_t>(node)] = id; // a repeated piece: the last wins
    }
    m_nodes.resize(children.size());
    for (std::size_t n = 0; n < children.size(); ++n) {
        m_nodes[n].piece = pieceAt[n];
        m_nodes[n].firstEdge = static_cast<std::uint32_t>(m_edges.size());
        m_nodes[n].edgeCount = static_cast<std::uint32_t>(children[n].size());
        for (const auto& [symbol, next] : children[n])
            m_edges.push_back({symbol, next});
    }
    m_rootChildren.assign(0x10000, -1);
    for (const auto& [symbol, next] : children[0])
        if (symbol < 0x10000)
            m_rootChildren[symbol] = next;
}

int SentencePieceTokenizer::child(int node, char32_t c) const {
    if (node == 0 && c < 0x10000)
        return m_rootChildren[c];
    const Node& n = m_nodes[static_cast<std::size_t>(node)];
    const auto first = m_edges.begin() + n.firstEdge;
    const auto last = first + n.edgeCount;
    const auto it =
        std::lower_bound(first, last, c, [](const Edge& e, char32_t s) { return e.symbol < s; });
    return it != last && it->symbol == c ? it->child : -1;
}

std::vector<int> SentencePieceTokenizer::encode(const QString& text) const {
    QString normalized = text.normalized(QString::NormalizationForm_KC);
    if (!normalized.isEmpty()) {
        normalized.replace(QLatin1Char(' '), QChar(kSpaceMark));
        normalized.prepend(QChar(kSpaceMark));
    }
    const std::vector<char32_t> symbols = toCodePoints(normalized);
    const std::size_t n = symbols.size();

    // Every piece that starts at each position, grouped by where it ends; within a group in the
    // order of their start, which is the order the reference visits them in.
    struct Candidate {
        std::size_t start;
        int id;
        double score;
    };
    std::vector<std::vector<Candidate>> endingAt(n + 1);
    for (std::size_t i = 0; i < n; ++i) {
        bool matched = false;
        int node = child(0, symbols[i]);
        for (std::size_t j = i; j < n && node >= 0;) {
            const int id = m_nodes[static_cast<std::size_t>(node)].piece;
            if (id >= 0) {
                endingAt[j + 1].push_back({i, id, m_pieces[static_cast<std::size_t>(id)].score});
                matched = true;
            }
            ++j;
            node = j < n ? child(node, symbols[j]) : -1;
        }
        if (!matched)
            endingAt[i + 1].push_back({i, kUnknownId, 0.0});
    }

    // Viterbi over the positions. best == 0 doubles as "not reached yet", exactly as in the
    // reference, and a later candidate with an equal score wins.
    std::vector<double> best(n + 1, 0.0);
    std::vector<int> words(n + 1, kUnknownId);
    for (std::size_t end = 1; end <= n; ++end) {
        for (const Candidate& c : endingAt[end]) {
            const double score = c.score + best[c.start];
            if (best[end] == 0.0 || score >= best[end]) {
                best[end] = score;
                words[end] = c.id;
            }
        }
    }

    // Back from the end, stepping over each chosen piece's length in UTF-16 units.
    std::vector<int> reversed;
    for (std::ptrdiff_t at = static_cast<std::ptrdiff_t>(n); at > 0;) {
        const int id = words[static_cast<std::size_t>(at)];
        reversed.push_back(id);
        const int length = id < vocabularySize() ? m_pieceLength[static_cast<std::size_t>(id)] : 1;
        at -= std::max(length, 1);
    }
    std::vector<int> ids;
    ids.reserve(reversed.size());
    bool previousUnknown = false;
    for (const int id : reversed) {
        if (!(previousUnknown && id == kUnknownId))
            ids.push_back(id);
        previousUnknown = id == kUnknownId;
    }
    std::reverse(ids.begin(), ids.end());
    return ids;
}

} // namespace quiver
