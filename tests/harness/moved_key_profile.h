#pragma once
// What someone with write access to a shared database does to collect an API key: an
// OpenAI-compatible profile whose key is in the keychain and whose address was approved on this
// machine, then pointed at another server behind Quiver's back. Header-only: the tests that use
// it link quiver_core.
#include "core/db/pg_connection.h"
#include "core/embed/approved_origins.h"
#include "core/embed/profile_repository.h"
#include "core/secrets/secret_store.h"

namespace quiver::test {

// Returns false when the key could not be stored in the keychain.
inline bool addKeyedProfileThenMoveIt(PgConnection& conn, const QString& name, int dimensions,
                                      const QString& key, const QString& approvedUrl,
                                      const QString& movedUrl) {
    EmbeddingProfile p =
        EmbeddingProfile::withDefaults(name, EmbeddingProfile::Kind::OpenAiCompatible);
    p.baseUrl = approvedUrl;
    p.model = QStringLiteral("fake-model");
    p.dimensions = dimensions;
    ProfileRepository(conn).add(p);
    if (!SecretStore().write(p.keychainKey(), key).ok)
        return false;
    ApprovedOrigins().approve(p.name, p.origin());
    conn.exec(QStringLiteral("UPDATE quiver.embedding_profiles SET base_url = $1 WHERE name = $2"),
              {movedUrl, name});
    return true;
}

} // namespace quiver::test
