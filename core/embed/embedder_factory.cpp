#include "core/embed/embedder_factory.h"

#include "core/embed/lexical_embedder.h"
#include "core/embed/ollama_embedder.h"
#include "core/embed/openai_embedder.h"

namespace quiver {

namespace {

// The on-device sentence model: its embedder is built from here once it is part of the build.
std::unique_ptr<Embedder> createLocalEmbedder(const EmbeddingProfile& profile) {
    Q_UNUSED(profile);
    throw EmbedError(EmbedError::Kind::Config,
                     QStringLiteral("the on-device sentence model is not part of this build"));
}

} // namespace

std::unique_ptr<Embedder> createEmbedder(const EmbeddingProfile& profile, const QString& apiKey,
                                         const HttpEmbedder::Options& options) {
    const QString problem = profile.validate();
    if (!problem.isEmpty())
        throw EmbedError(EmbedError::Kind::Config, problem);
    switch (profile.kind) {
    case EmbeddingProfile::Kind::OpenAi:
    case EmbeddingProfile::Kind::OpenAiCompatible:
        return std::make_unique<OpenAiEmbedder>(profile, apiKey, options);
    case EmbeddingProfile::Kind::Ollama:
        return std::make_unique<OllamaEmbedder>(profile, options);
    case EmbeddingProfile::Kind::Lexical:
        return std::make_unique<LexicalEmbedder>(profile.dimensions);
    case EmbeddingProfile::Kind::Local:
        return createLocalEmbedder(profile);
    }
    throw EmbedError(EmbedError::Kind::Config, QStringLiteral("unknown profile kind"));
}

} // namespace quiver
