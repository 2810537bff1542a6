#pragma once

#include "core/embed/embedding_profile.h"

#include <QString>

namespace quiver {

class SecretStore;

// Where an API key comes from, in order: the keychain entry of the profile, else the
// QUIVER_API_KEY environment variable, else a key file that only its owner can read (servers
// without a keychain). The key is only returned to the caller, never logged or stored.
class ApiKeyResolver {
public:
    struct Sources {
        QString apiKeyFile;         // --api-key-file; empty: none
        bool useEnvironment = true; // QUIVER_API_KEY
    };
    struct Result {
        QString key;    // empty: none found and the profile can do without
        QString source; // "keychain", "QUIVER_API_KEY", "file" or empty
    };

    explicit ApiKeyResolver(SecretStore& store)
        : m_store(store) {}

    // Blocking (the keychain may be asked). Throws EmbedError(Kind::Config) with what to do when
    // the profile needs a key and none is found, or when the key file is unsafe or unreadable.
    Result resolve(const EmbeddingProfile& profile, const Sources& sources);

    // The first line of the file, trimmed. Refuses a file that group or others can read.
    static QString readKeyFile(const QString& path);

private:
    SecretStore& m_store;
};

} // namespace quiver
