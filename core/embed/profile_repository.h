#pragma once

#include "core/embed/embedding_profile.h"

#include <QList>

#include <optional>
#include <stdexcept>

namespace quiver {

class PgConnection;

// A mistake in what the user asked of the profiles (unknown name, invalid field, removing the
// default); the message is one line with the fix.
class ProfileError : public std::runtime_error {
public:
    explicit ProfileError(const QString& message)
        : std::runtime_error(message.toStdString())
        , m_message(message) {}
    QString message() const { return m_message; }

private:
    QString m_message;
};

// The rows of quiver.embedding_profiles. Blocking, on the caller's connection; throws
// ProfileError for the user's mistakes and DbError for the database's.
class ProfileRepository {
public:
    explicit ProfileRepository(PgConnection& conn)
        : m_conn(conn) {}

    QList<EmbeddingProfile> list();
    std::optional<EmbeddingProfile> find(const QString& name);
    // The named profile, or the default when name is empty; throws ProfileError when missing.
    EmbeddingProfile resolve(const QString& name);

    // Validates, then inserts; a first profile in an empty table becomes the default.
    EmbeddingProfile add(const EmbeddingProfile& profile);
    // Replaces every field of the profile with that id (the name may change).
    void update(const EmbeddingProfile& profile);
    // Refuses to remove the default while others exist: choose another default first.
    void remove(const QString& name);
    void setDefault(const QString& name);

private:
    PgConnection& m_conn;
};

} // namespace quiver
