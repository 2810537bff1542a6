#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace quiver {

// How to reach one embedding model: a row of quiver.embedding_profiles. Holds no secret; the
// API key of a profile lives in the keychain under keychainKey().
struct EmbeddingProfile {
    enum class Kind { OpenAi, OpenAiCompatible, Ollama, Local, Lexical };

    qint64 id = 0;
    QString name;
    Kind kind = Kind::Lexical;
    QString baseUrl; // empty: the kind's default (OpenAI, Ollama on localhost)
    QString model;
    int dimensions = 0;        // 0: the model's own
    int batchSize = 512;       // inputs per request
    int concurrency = 4;       // requests in flight
    int requestsPerMinute = 0; // 0: no client-side limit
    int tokensPerMinute = 0;
    int timeoutMs = 60000;
    int maxInputTokens = 8191;
    int maxRetries = 6;
    bool isDefault = false;

    // A profile of `kind` with that kind's defaults (model, base URL, dimensions, batch size).
    static EmbeddingProfile withDefaults(const QString& name, Kind kind);

    static QString kindName(Kind kind);
    static std::optional<Kind> kindFromName(const QString& name);
    static QStringList kindNames();

    bool isRemote() const {
        return kind == Kind::OpenAi || kind == Kind::OpenAiCompatible || kind == Kind::Ollama;
    }
    // OpenAI needs a key; an OpenAI-compatible server may; Ollama and the local kinds never do.
    bool needsKey() const { return kind == Kind::OpenAi; }
    bool acceptsKey() const { return kind == Kind::OpenAi || kind == Kind::OpenAiCompatible; }

    QString effectiveBaseUrl() const;
    // Where requests go, as "scheme://host:port" (the port always written, the host in lower
    // case): what a user approves for the profile's API key. Empty when the URL is unusable.
    QString origin() const;
    // The base URL names this machine (localhost, 127.0.0.0/8, ::1): plain http:// is then
    // acceptable for a key, which never leaves the machine.
    bool isLoopback() const;
    QString keychainKey() const { return keychainKeyFor(name); }
    static QString keychainKeyFor(const QString& profileName);

    // Empty when the profile is usable; else one line naming the profile, the field and the fix.
    QString validate() const;
};

} // namespace quiver
