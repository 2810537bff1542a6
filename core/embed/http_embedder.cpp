#include "core/embed/http_embedder.h"

#include "core/embed/http_embed_run.h"
#include "core/embed/http_embedder_private.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace quiver {

HttpEmbedder::HttpEmbedder(EmbeddingProfile profile, QString apiKey, Options options)
    : d(std::make_unique<Private>()) {
    d->profile = std::move(profile);
    d->apiKey = std::move(apiKey);
    d->options = options;
}

HttpEmbedder::~HttpEmbedder() {
    if (d->nam) {
        if (d->namThread == QThread::currentThread())
            delete d->nam.data();
        else
            d->nam->deleteLater();
    }
}

QString HttpEmbedder::modelId() const {
    return modelIdFor(d->profile);
}

QString HttpEmbedder::modelIdFor(const EmbeddingProfile& profile) {
    QString id = EmbeddingProfile::kindName(profile.kind) + QLatin1Char(':') + profile.model;
    if (profile.dimensions > 0)
        id += QStringLiteral("@%1").arg(profile.dimensions);
    return id;
}

int HttpEmbedder::dimensions() const {
    return d->profile.dimensions > 0 ? d->profile.dimensions : d->dimensions;
}

std::vector<std::vector<float>> HttpEmbedder::embed(const QStringList& texts,
                                                    const CancelToken& cancel) {
    return runHttpEmbed(*this, texts, cancel);
}

std::vector<TruncatedInput> HttpEmbedder::lastTruncations() const {
    return d->truncations;
}

const EmbeddingProfile& HttpEmbedder::profile() const {
    return d->profile;
}

HttpEmbedder::PacingStats HttpEmbedder::pacingStats() const {
    return d->stats;
}

std::optional<qint64> HttpEmbedder::tokenCount(const QJsonValue& value) {
    const double n = value.toDouble(-1);
    if (!value.isDouble() || n < 0 || n > 1e12 || n != std::floor(n))
        return std::nullopt;
    return static_cast<qint64>(n);
}

QString HttpEmbedder::serverMessage(const QByteArray& body) const {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return {};
    const QJsonValue error = doc.object().value(QLatin1String("error"));
    if (error.isString())
        return error.toString();
    if (error.isObject())
        return error.toObject().value(QLatin1String("message")).toString();
    return {};
}

bool HttpEmbedder::isInputTooLong(int status, const QString& message) const {
    if (status != 400 && status != 413 && status != 422)
        return false;
    const QString m = message.toLower();
    return m.contains(QLatin1String("maximum context length")) ||
           m.contains(QLatin1String("too long")) || m.contains(QLatin1String("too many tokens")) ||
           m.contains(QLatin1String("exceeds the context")) ||
           m.contains(QLatin1String("input length exceeds"));
}

bool HttpEmbedder::namesOneInput(int status, const QString& message) const {
    if (status != 400 && status != 413 && status != 422)
        return false;
    // OpenAI: "Invalid 'input[3]': ..."; JSON paths: "$.input[3]"; others: "input 3", "index 3".
    static const QRegularExpression oneInput(
        QStringLiteral("\\binputs?\\s*\\[\\s*\\d+\\s*\\]|\\binputs?\\s+(?:#|no\\.\\s*)?\\d+\\b|"
                       "\\b(?:at\\s+)?index\\s+\\d+\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return oneInput.match(message).hasMatch();
}

} // namespace quiver
