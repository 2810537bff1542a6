#pragma once

#include "core/embed/local/sentencepiece_tokenizer.h"

#include <QString>

#include <cstddef>
#include <map>
#include <span>
#include <vector>

namespace quiver {

// The parameters of Universal Sentence Encoder lite, read from the TensorFlow.js files of the
// model package: model.json (the graph and a manifest naming each tensor, its shape and type, in
// the order the weight shards hold them), the group1-shard*of* files (the tensors back to back,
// little-endian) and vocab.json (the SentencePiece pieces with their log-probabilities).
//
// load() checks everything it reads: every file present and within size limits, the manifest
// well-formed, the shards exactly as long as it says, each tensor the model needs present with
// the right shape, every number finite, the vocabulary well-formed and, when checksums are given,
// each file's SHA-256. Any problem throws EmbedError(Kind::Config) naming the file and the fix.
class UseLiteWeights {
public:
    static constexpr int kVocabularyRows = 8002;
    static constexpr int kEmbeddingWidth = 256;
    static constexpr int kWidth = 512;
    static constexpr int kHeads = 4;
    static constexpr int kFfnWidth = 1536;
    static constexpr int kTimescales = 128;

    // A row-major matrix (or vector when rows == 1) inside the weight blob.
    struct Tensor {
        const float* data = nullptr;
        int rows = 0;
        int cols = 0;
    };
    struct Layer {
        Tensor attentionNormScale, attentionNormBias; // 1 x width
        Tensor qkv, qkvBias;                          // width x 3*width
        float attentionScale = 0;                     // multiplies the queries
        Tensor output, outputBias;                    // width x 512
        Tensor ffnNormScale, ffnNormBias;             // 1 x 512
        Tensor ffnIn, ffnInBias;                      // 512 x 1536
        Tensor ffnOut, ffnOutBias;                    // 1536 x 512
    };

    // The file names and SHA-256 digests (hex) the pinned model package contains.
    using Checksums = std::map<QString, QString>;
    static const Checksums& pinnedChecksums();

    // Throws EmbedError(Kind::Config). With `checksums` empty no digest is checked (the loader's
    // fuzz target uses that to get past them to the parsers).
    static UseLiteWeights load(const QString& directory, const Checksums& checksums);

    UseLiteWeights(UseLiteWeights&&) = default; // the blob moves with its buffer: pointers hold
    UseLiteWeights& operator=(UseLiteWeights&&) = default;
    UseLiteWeights(const UseLiteWeights&) = delete;
    UseLiteWeights& operator=(const UseLiteWeights&) = delete;

    Tensor embeddings;                                 // 8002 x 256
    std::span<const float> inverseTimescales;          // 128 frequencies of the timing signal
    Tensor residualProjection, residualProjectionBias; // layer 0: 256 x 512
    Layer layers[2];
    Tensor tanhWeights, tanhBias; // 512 x 512
    float layerNormEpsilon = 0;
    float normalizeEpsilon = 0; // floor under the squared norm in the L2 normalisation
    std::vector<SentencePieceTokenizer::Piece> vocabulary;

private:
    UseLiteWeights() = default;
    std::vector<float> m_blob; // every tensor of the shards; the Tensor pointers point into it
};

} // namespace quiver
