#pragma once

#include "core/embed/embedder.h"
#include "core/embed/embedding_profile.h"
#include "core/embed/http_embedder.h"

#include <memory>

namespace quiver {

// The embedder a profile describes. apiKey is used only by kinds that take one (resolve it with
// ApiKeyResolver). Throws EmbedError(Kind::Config) for a profile that cannot work as set.
std::unique_ptr<Embedder> createEmbedder(const EmbeddingProfile& profile, const QString& apiKey,
                                         const HttpEmbedder::Options& options = {});

// The Embedder::modelId() that createEmbedder(profile) would give, without building it (no model
// is loaded, no key asked): how stored embeddings are matched to the profile that made them.
QString modelIdFor(const EmbeddingProfile& profile);

} // namespace quiver
