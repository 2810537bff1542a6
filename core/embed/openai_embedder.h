#pragma once

#include "core/embed/http_embedder.h"

namespace quiver {

// OpenAI's POST {base}/v1/embeddings, also spoken by vLLM, LM Studio, llama.cpp's server and
// Ollama's compatibility layer. Asks for base64 vectors (a third of the bytes of JSON floats)
// and accepts float arrays too; matches vectors to inputs by their `index`.
class OpenAiEmbedder : public HttpEmbedder {
public:
    OpenAiEmbedder(EmbeddingProfile profile, QString apiKey, Options options = {});

protected:
    QString path() const override;
    QByteArray requestBody(const QStringList& texts) const override;
    Answer parseResponse(const QByteArray& body, int count) const override;
};

} // namespace quiver
