#pragma once

#include "core/embed/embedder.h"

#include <memory>
#include <vector>

namespace quiver {

class SentencePieceTokenizer;
class UseLiteModel;

// The `local` provider: Google's Universal Sentence Encoder lite (English, 512-d), computed
// in-process from the model files bundled with Quiver. No key, no network.
//
// A text longer than the model's 128-token window is cut into windows of 128 tokens that overlap
// by 32 (the last one ends at the text's end), each window is embedded, and the text's vector is
// the normalised mean of its windows' vectors; a text within the window gets exactly the
// reference model's vector.
//
// Texts are tokenized, their windows packed in input order into batches of about 512 tokens, and
// the batches computed on `threads` threads. The batches do not depend on the number of threads,
// so the vectors are identical whatever it is. embed() may be called from several threads at
// once; cancelling stops between batches and throws EmbedError(Kind::Cancelled).
class LocalEmbedder : public Embedder {
public:
    // The model files' folder (share/quiver/models/<kModelName>).
    static constexpr const char* kModelName = "use-lite-0.2.0";
    // modelId(): change it with anything that changes the vectors (the model, its version, the
    // windows), so that stored embeddings are redone.
    static constexpr const char* kModelId = "use-lite-0.2.0";
    static constexpr int kWindowTokens = 128;
    static constexpr int kWindowOverlap = 32;

    struct Options {
        QString modelDir;            // empty: ModelLocator::find(kModelName)
        int threads = 0;             // 0: one per core
        bool verifyChecksums = true; // SHA-256 of every model file against the pinned package
    };

    // Loads the model; throws EmbedError(Kind::Config) when it is missing or damaged.
    LocalEmbedder();
    explicit LocalEmbedder(const Options& options);
    ~LocalEmbedder() override;

    // How the UI names this provider.
    static QString displayName() {
        return QStringLiteral("On this computer \u2014 Universal Sentence Encoder lite (English)");
    }

    QString modelId() const override;
    int dimensions() const override;
    std::vector<std::vector<float>> embed(const QStringList& texts,
                                          const CancelToken& cancel = {}) override;

    // The model's token ids for a text (all of them, before windowing).
    std::vector<int> tokenize(const QString& text) const;
    // Embeds token sequences of at most kWindowTokens ids each, one vector per sequence; throws
    // std::invalid_argument for a longer sequence or an id outside the vocabulary.
    std::vector<std::vector<float>> embedTokens(const std::vector<std::vector<int>>& sequences,
                                                const CancelToken& cancel = {}) const;
    int threads() const { return m_threads; }
    QString modelDir() const { return m_modelDir; }

private:
    QString m_modelDir;
    int m_threads = 1;
    std::unique_ptr<const SentencePieceTokenizer> m_tokenizer;
    std::unique_ptr<const UseLiteModel> m_model;
};

} // namespace quiver
