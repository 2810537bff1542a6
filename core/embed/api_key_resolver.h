#pragma once

#include "core/embed/embedding_profile.h"

#include <QString>

#include <memory>

namespace quiver {

class ApprovedOrigins;
class SecretStore;

// The one way Quiver finds the API key of a profile, and decides whether it may be sent. Where
// a key comes from, in order: the keychain entry of the profile, else - for the profile named on
// the command line alone (--profile) - the QUIVER_API_KEY environment variable, else a key file
// that only its owner can read (servers without a keychain). A key is handed out only when the
// profile's origin (scheme, host, port) is the one the user of this machine approved for it
// (ApprovedOrigins), and never for plain http:// to another machine: the database is shared, and
// whoever can write to it could otherwise point a profile at a server of theirs and collect the
// key and every text sent with it. The key is only returned to the caller, never logged or
// stored.
class ApiKeyResolver {
public:
    struct Sources {
        QString apiKeyFile;         // --api-key-file; empty: none
        bool useEnvironment = true; // QUIVER_API_KEY
        // The profile named on the command line: the file and the environment apply to it
        // alone, never to a profile the database names (a reembed job's, the default one).
        QString namedProfile;
    };
    struct Result {
        QString key;    // empty: none found and the profile can do without
        QString source; // "keychain", "QUIVER_API_KEY", "file" or empty
    };

    // origins: the approvals to check against; null: this application's settings.
    explicit ApiKeyResolver(SecretStore& store, ApprovedOrigins* origins = nullptr);
    ~ApiKeyResolver();

    // Blocking (the keychain may be asked). Throws EmbedError(Kind::Config) with what to do when
    // the profile needs a key and none is found, when the key file is unsafe or unreadable, or
    // when the key may not go to the profile's address; KeyApprovalRequired (an EmbedError) when
    // the address is not the approved one.
    Result resolve(const EmbeddingProfile& profile, const Sources& sources);

    // The first line of the file, trimmed. Refuses a file that group or others can read.
    static QString readKeyFile(const QString& path);

private:
    Result find(const EmbeddingProfile& profile, const Sources& sources);
    void checkDestination(const EmbeddingProfile& profile, const Result& found);

    SecretStore& m_store;
    std::unique_ptr<ApprovedOrigins> m_ownOrigins;
    ApprovedOrigins& m_origins;
};

} // namespace quiver
