#include "core/embed/embedding_profile.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

#include <array>
#include <utility>

namespace quiver {

namespace {
constexpr std::array<std::pair<EmbeddingProfile::Kind, const char*>, 5> kKinds{{
    {EmbeddingProfile::Kind::OpenAi, "openai"},
    {EmbeddingProfile::Kind::OpenAiCompatible, "openai-compatible"},
    {EmbeddingProfile::Kind::Ollama, "ollama"},
    {EmbeddingProfile::Kind::Local, "local"},
    {EmbeddingProfile::Kind::Lexical, "lexical"},
}};

// The limits OpenAI documents for one /v1/embeddings request.
constexpr int kMaxBatch = 2048;
} // namespace

QString EmbeddingProfile::kindName(Kind kind) {
    for (const auto& [k, name] : kKinds) {
        if (k == kind)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<EmbeddingProfile::Kind> EmbeddingProfile::kindFromName(const QString& name) {
    for (const auto& [k, n] : kKinds) {
        if (name == QLatin1String(n))
            return k;
    }
    return std::nullopt;
}

QStringList EmbeddingProfile::kindNames() {
    QStringList names;
    for (const auto& entry : kKinds)
        names << QString::fromLatin1(entry.second);
    return names;
}

EmbeddingProfile EmbeddingProfile::withDefaults(const QString& name, Kind kind) {
    EmbeddingProfile p;
    p.name = name;
    p.kind = kind;
    switch (kind) {
    case Kind::OpenAi:
        p.model = QStringLiteral("text-embedding-3-small");
        break;
    case Kind::OpenAiCompatible:
        break;
    case Kind::Ollama:
        p.model = QStringLiteral("nomic-embed-text");
        p.batchSize = 64;
        p.concurrency = 2;
        p.maxInputTokens = 2048;
        break;
    case Kind::Local:
        p.model = QStringLiteral("universal-sentence-encoder-lite");
        p.dimensions = 512;
        p.batchSize = 64;
        p.concurrency = 1;
        break;
    case Kind::Lexical:
        p.model = QStringLiteral("lexical-v1");
        p.dimensions = 1024;
        p.batchSize = 256;
        p.concurrency = 1;
        break;
    }
    return p;
}

QString EmbeddingProfile::effectiveBaseUrl() const {
    QString url = baseUrl;
    if (url.isEmpty() && kind == Kind::OpenAi)
        url = QStringLiteral("https://api.openai.com");
    if (url.isEmpty() && kind == Kind::Ollama)
        url = QStringLiteral("http://localhost:11434");
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

QString EmbeddingProfile::origin() const {
    const QUrl url(effectiveBaseUrl(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return {};
    const int port = url.port(scheme == QLatin1String("https") ? 443 : 80);
    const QString host = url.host().toLower();
    // An IPv6 address keeps its brackets, so that the port stays unambiguous.
    const QString shownHost =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return QStringLiteral("%1://%2:%3").arg(scheme, shownHost).arg(port);
}

bool EmbeddingProfile::isLoopback() const {
    const QString host = QUrl(effectiveBaseUrl(), QUrl::StrictMode).host().toLower();
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString EmbeddingProfile::keychainKeyFor(const QString& profileName) {
    return QStringLiteral("embedding-profile/") + profileName;
}

QString EmbeddingProfile::validate() const {
    static const QRegularExpression namePattern(
        QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"));
    if (!namePattern.match(name).hasMatch())
        return QStringLiteral("profile name \"%1\" is not valid: use 1 to 63 letters, digits, "
                              "'_', '.' or '-', starting with a letter or digit")
            .arg(name.left(80));
    const QString who = QStringLiteral("profile \"%1\": ").arg(name);
    if (model.trimmed().isEmpty())
        return who + QStringLiteral("no model given: pass --model NAME");
    if (kind == Kind::OpenAiCompatible && baseUrl.isEmpty())
        return who + QStringLiteral("an openai-compatible profile needs --base-url "
                                    "(e.g. http://localhost:8000)");
    if (!baseUrl.isEmpty()) {
        // Only the shape is described, never the text: a pasted URL may hold a key.
        const QUrl url(baseUrl, QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty())
            return who + QStringLiteral("the base URL is not an http:// or https:// URL with a "
                                        "host");
        if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment() ||
            baseUrl.contains(QLatin1Char('@')))
            return who + QStringLiteral("the base URL must not contain a user, password, query "
                                        "or fragment: keys belong in the keychain "
                                        "(quiver-cli key set %1)")
                             .arg(name);
        if (baseUrl.contains(QRegularExpression(QStringLiteral("\\s"))))
            return who + QStringLiteral("the base URL contains white space");
    }
    if (dimensions < 0 || dimensions > 65536)
        return who + QStringLiteral("dimensions must be between 1 and 65536");
    if (kind == Kind::Lexical && dimensions == 0)
        return who + QStringLiteral("a lexical profile needs --dimensions N");
    if (batchSize < 1 || batchSize > kMaxBatch)
        return who + QStringLiteral("batch size must be between 1 and %1").arg(kMaxBatch);
    if (concurrency < 1 || concurrency > 64)
        return who + QStringLiteral("concurrency must be between 1 and 64");
    if (requestsPerMinute < 0 || tokensPerMinute < 0)
        return who + QStringLiteral("rpm and tpm limits must be positive");
    if (timeoutMs < 100 || timeoutMs > 3600000)
        return who + QStringLiteral("timeout must be between 100 ms and one hour");
    if (maxInputTokens < 1)
        return who + QStringLiteral("max input tokens must be positive");
    if (maxRetries < 0 || maxRetries > 100)
        return who + QStringLiteral("max retries must be between 0 and 100");
    return {};
}

} // namespace quiver
