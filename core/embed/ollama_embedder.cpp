#include "core/embed/ollama_embedder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace quiver {

namespace {
EmbedError bad(const QString& why) {
    return EmbedError(EmbedError::Kind::BadResponse, why);
}
// What is wrong with one item only: the caller may split the batch to find its input.
EmbedError badItem(const QString& why) {
    return EmbedError(EmbedError::Kind::InputRejected, why);
}
} // namespace

OllamaEmbedder::OllamaEmbedder(EmbeddingProfile profile, Options options)
    : HttpEmbedder(std::move(profile), QString(), options) {}

QString OllamaEmbedder::path() const {
    return QStringLiteral("/api/embed");
}

QByteArray OllamaEmbedder::requestBody(const QStringList& texts) const {
    QJsonObject body{
        {QStringLiteral("model"), profile().model},
        {QStringLiteral("input"), QJsonArray::fromStringList(texts)},
        {QStringLiteral("truncate"), false},
    };
    if (profile().dimensions > 0)
        body.insert(QStringLiteral("dimensions"), profile().dimensions);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

HttpEmbedder::Answer OllamaEmbedder::parseResponse(const QByteArray& body, int count) const {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw bad(QStringLiteral("the answer is not a JSON object"));
    const QJsonValue embeddings = doc.object().value(QLatin1String("embeddings"));
    if (!embeddings.isArray())
        throw bad(QStringLiteral("the answer has no \"embeddings\" array"));
    const QJsonArray rows = embeddings.toArray();
    if (rows.size() != count)
        throw bad(QStringLiteral("%1 vectors for %2 inputs").arg(rows.size()).arg(count));
    std::vector<std::vector<float>> out;
    out.reserve(static_cast<std::size_t>(count));
    QString problem;
    int badRows = 0;
    for (const QJsonValue& row : rows) {
        std::vector<float> v;
        if (!row.isArray())
            problem = QStringLiteral("an embedding is not an array");
        for (const QJsonValue& x : row.toArray()) {
            if (!x.isDouble()) {
                problem = QStringLiteral("an embedding holds something other than numbers");
                v.clear();
                break;
            }
            v.push_back(static_cast<float>(x.toDouble()));
        }
        badRows += v.empty() ? 1 : 0;
        out.push_back(std::move(v));
    }
    if (badRows > 0) {
        if (problem.isEmpty())
            problem = QStringLiteral("an embedding is empty");
        // Every row bad: the answer as a whole is; else some inputs' are.
        throw badRows == count && count > 1 ? bad(problem) : badItem(problem);
    }
    // Ollama counts the tokens it read as prompt_eval_count.
    return {std::move(out), tokenCount(doc.object().value(QLatin1String("prompt_eval_count")))};
}

} // namespace quiver
