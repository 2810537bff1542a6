#pragma once

#include "core/embed/embedder.h"

namespace quiver {

// Hashed bag of words and character trigrams: no model files, no network, deterministic on
// every platform. Words and trigrams (of each case-folded word, with its boundaries) are hashed
// into `dimensions` signed buckets; counts get sublinear weights (1 + ln tf) and the vector is
// L2-normalised, so cosine similarity rewards shared words and shared word pieces. Thread-safe
// (no state beyond its parameters).
class LexicalEmbedder : public Embedder {
public:
    explicit LexicalEmbedder(int dimensions = 1024);

    QString modelId() const override;
    int dimensions() const override { return m_dimensions; }
    std::vector<std::vector<float>> embed(const QStringList& texts,
                                          const CancelToken& cancel = {}) override;

    // One text, for callers that embed in a loop of their own.
    std::vector<float> embedOne(const QString& text) const;

private:
    int m_dimensions;
};

} // namespace quiver
