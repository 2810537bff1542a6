#pragma once

#include "core/db/pg_connection.h"
#include "core/embed/embedding_profile.h"
#include "core/embed/profile_repository.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_opener.h"

#include <QList>
#include <QObject>

#include <functional>
#include <optional>

namespace quiver {

// Lives on the service's thread and owns the connection there.
class ProfileServiceWorker : public QObject {
    Q_OBJECT
public:
    explicit ProfileServiceWorker(DatabaseTarget target)
        : m_target(std::move(target)) {}

    // Runs f with the repository; any failure becomes failed(message).
    void run(const std::function<void(ProfileRepository&)>& f);
    // Emits profilesLoaded with the keychain state of each profile.
    void load(ProfileRepository& repo);
    SecretStore& secrets() { return m_store; }
    // Approves origin for the profile's key after checking that a key may go there at all.
    void approve(const EmbeddingProfile& profile, const QString& origin);

signals:
    void profilesLoaded(const QList<quiver::EmbeddingProfile>& profiles,
                        const QList<bool>& keyStored, const QStringList& approvedOrigins);
    void keyStored(const QString& profileName);
    void originApproved(const QString& profileName, const QString& origin);
    void tested(const QString& profileName, int dimensions, qint64 milliseconds);
    void failed(const QString& message);

private:
    SecretStore m_store;
    DatabaseTarget m_target;
    DatabaseOpener m_opener;
    std::optional<PgConnection> m_conn;
};

} // namespace quiver
