#include "core/embed/openai_embedder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <cstring>
#include <optional>

namespace quiver {

namespace {

EmbedError bad(const QString& why) {
    return EmbedError(EmbedError::Kind::BadResponse, why);
}

// What is wrong with one item only: the caller may split the batch to find its input.
EmbedError badItem(const QString& why) {
    return EmbedError(EmbedError::Kind::InputRejected, why);
}

std::vector<float> fromBase64(const QString& text) {
    const auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        throw badItem(QStringLiteral("an embedding is not valid base64"));
    const QByteArray& bytes = *decoded;
    if (bytes.size() % 4 != 0)
        throw badItem(QStringLiteral("a base64 embedding is not a whole number of floats"));
    std::vector<float> v(static_cast<std::size_t>(bytes.size() / 4));
    for (std::size_t i = 0; i < v.size(); ++i) {
        // Little-endian float32, as the API sends them.
        const quint32 bits = qFromLittleEndian<quint32>(bytes.constData() + i * 4);
        std::memcpy(&v[i], &bits, sizeof(float));
    }
    return v;
}

std::vector<float> fromArray(const QJsonArray& array) {
    std::vector<float> v;
    v.reserve(static_cast<std::size_t>(array.size()));
    for (const QJsonValue& x : array) {
        if (!x.isDouble())
            throw badItem(QStringLiteral("an embedding holds something other than numbers"));
        v.push_back(static_cast<float>(x.toDouble()));
    }
    return v;
}

} // namespace

OpenAiEmbedder::OpenAiEmbedder(EmbeddingProfile profile, QString apiKey, Options options)
    : HttpEmbedder(std::move(profile), std::move(apiKey), options) {}

QString OpenAiEmbedder::path() const {
    return QStringLiteral("/v1/embeddings");
}

QByteArray OpenAiEmbedder::requestBody(const QStringList& texts) const {
    QJsonObject body{
        {QStringLiteral("model"), profile().model},
        {QStringLiteral("input"), QJsonArray::fromStringList(texts)},
        {QStringLiteral("encoding_format"), QStringLiteral("base64")},
    };
    if (profile().dimensions > 0)
        body.insert(QStringLiteral("dimensions"), profile().dimensions);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

HttpEmbedder::Answer OpenAiEmbedder::parseResponse(const QByteArray& body, int count) const {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw bad(QStringLiteral("the answer is not a JSON object"));
    const QJsonValue data = doc.object().value(QLatin1String("data"));
    if (!data.isArray())
        throw bad(QStringLiteral("the answer has no \"data\" array"));
    const QJsonArray items = data.toArray();
    if (items.size() != count)
        throw bad(QStringLiteral("%1 vectors for %2 inputs").arg(items.size()).arg(count));
    std::vector<std::vector<float>> out(static_cast<std::size_t>(count));
    std::vector<bool> seen(static_cast<std::size_t>(count), false);
    std::optional<EmbedError> itemError;
    int badItems = 0;
    for (const QJsonValue& item : items) {
        const QJsonObject o = item.toObject();
        const QJsonValue index = o.value(QLatin1String("index"));
        const double i = index.toDouble(-1);
        if (!index.isDouble() || i < 0 || i >= count || i != static_cast<int>(i) ||
            seen[static_cast<std::size_t>(i)])
            throw bad(QStringLiteral("an \"index\" is missing, repeated or out of range"));
        const auto slot = static_cast<std::size_t>(i);
        seen[slot] = true;
        const QJsonValue embedding = o.value(QLatin1String("embedding"));
        try {
            if (embedding.isString())
                out[slot] = fromBase64(embedding.toString());
            else if (embedding.isArray())
                out[slot] = fromArray(embedding.toArray());
            else
                throw badItem(QStringLiteral("an item has no \"embedding\""));
        } catch (const EmbedError& e) {
            ++badItems;
            if (!itemError)
                itemError = e;
        }
    }
    if (itemError)
        // Every item bad: the answer as a whole is; else some inputs' are.
        throw badItems == count && count > 1 ? bad(itemError->message()) : *itemError;
    // usage.prompt_tokens, or total_tokens: an embedding has no completion.
    const QJsonObject usage = doc.object().value(QLatin1String("usage")).toObject();
    std::optional<qint64> counted = tokenCount(usage.value(QLatin1String("prompt_tokens")));
    if (!counted)
        counted = tokenCount(usage.value(QLatin1String("total_tokens")));
    return {std::move(out), counted};
}

} // namespace quiver
