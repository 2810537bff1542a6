#include "core/embed/embedder_factory.h"

#include "core/embed/approved_origins.h"
#include "core/embed/lexical_embedder.h"
#include "core/embed/local/local_embedder.h"
#include "core/embed/ollama_embedder.h"
#include "core/embed/openai_embedder.h"

#include <mutex>

namespace quiver {

namespace {

// Every `local` profile of a process shares one loaded model: loading takes most of a second
// and ~70 MB, and LocalEmbedder::embed() is safe from several threads at once.
class SharedLocalEmbedder : public Embedder {
public:
    explicit SharedLocalEmbedder(std::shared_ptr<LocalEmbedder> model)
        : m_model(std::move(model)) {}
    QString modelId() const override { return m_model->modelId(); }
    int dimensions() const override { return m_model->dimensions(); }
    std::vector<std::vector<float>> embed(const QStringList& texts,
                                          const CancelToken& cancel) override {
        return m_model->embed(texts, cancel);
    }

private:
    std::shared_ptr<LocalEmbedder> m_model;
};

std::unique_ptr<Embedder> createLocalEmbedder() {
    static std::mutex mutex;
    static std::weak_ptr<LocalEmbedder> loaded;
    const std::lock_guard lock(mutex);
    std::shared_ptr<LocalEmbedder> model = loaded.lock();
    if (!model) {
        model = std::make_shared<LocalEmbedder>();
        loaded = model;
    }
    return std::make_unique<SharedLocalEmbedder>(std::move(model));
}

} // namespace

std::unique_ptr<Embedder> createEmbedder(const EmbeddingProfile& profile, const QString& apiKey,
                                         const HttpEmbedder::Options& options) {
    const QString problem = profile.validate();
    if (!problem.isEmpty())
        throw EmbedError(EmbedError::Kind::Config, problem);
    // ApiKeyResolver refuses this already; checked again where the key meets the URL, so that
    // no caller can send a key in clear text across the network.
    if (!apiKey.isEmpty() && profile.acceptsKey()) {
        const QString refused = ApprovedOrigins::refusal(profile);
        if (!refused.isEmpty())
            throw EmbedError(EmbedError::Kind::Config, refused);
    }
    switch (profile.kind) {
    case EmbeddingProfile::Kind::OpenAi:
    case EmbeddingProfile::Kind::OpenAiCompatible:
        return std::make_unique<OpenAiEmbedder>(profile, apiKey, options);
    case EmbeddingProfile::Kind::Ollama:
        return std::make_unique<OllamaEmbedder>(profile, options);
    case EmbeddingProfile::Kind::Lexical:
        return std::make_unique<LexicalEmbedder>(profile.dimensions);
    case EmbeddingProfile::Kind::Local:
        return createLocalEmbedder();
    }
    throw EmbedError(EmbedError::Kind::Config, QStringLiteral("unknown profile kind"));
}

QString modelIdFor(const EmbeddingProfile& profile) {
    switch (profile.kind) {
    case EmbeddingProfile::Kind::OpenAi:
    case EmbeddingProfile::Kind::OpenAiCompatible:
    case EmbeddingProfile::Kind::Ollama:
        return HttpEmbedder::modelIdFor(profile);
    case EmbeddingProfile::Kind::Lexical:
        return LexicalEmbedder(profile.dimensions).modelId();
    case EmbeddingProfile::Kind::Local:
        return QString::fromLatin1(LocalEmbedder::kModelId);
    }
    return {};
}

} // namespace quiver
