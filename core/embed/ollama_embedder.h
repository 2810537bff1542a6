#pragma once

#include "core/embed/http_embedder.h"

namespace quiver {

// Ollama's native POST {base}/api/embed: {"model", "input": [...]} -> {"embeddings": [[...]]},
// vectors in input order. Asks Ollama not to truncate silently, so that an input too long for
// the model is shortened here and reported like with every other provider.
class OllamaEmbedder : public HttpEmbedder {
public:
    OllamaEmbedder(EmbeddingProfile profile, Options options = {});

protected:
    QString path() const override;
    QByteArray requestBody(const QStringList& texts) const override;
    Answer parseResponse(const QByteArray& body, int count) const override;
};

} // namespace quiver
