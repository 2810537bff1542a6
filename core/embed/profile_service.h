#pragma once

#include "core/embed/embedding_profile.h"
#include "core/session/database_target.h"

#include <QList>
#include <QObject>

namespace quiver {

class ProfileServiceWorker;

// Profiles, keys and a test embedding for the GUI. Every database, keychain and network call
// runs on a thread the service owns, with a connection of its own; every answer comes back as
// a queued signal, so the calling (GUI) thread never blocks. Requests run one after another,
// in the order made.
class ProfileService : public QObject {
    Q_OBJECT
public:
    explicit ProfileService(const DatabaseTarget& target, QObject* parent = nullptr);
    ~ProfileService() override;

    void reload();
    // Adds a profile (id == 0) or updates one; then reloads.
    void save(const quiver::EmbeddingProfile& profile);
    void remove(const QString& name);
    void setDefault(const QString& name);
    // Writes the key to the keychain (the key is never kept or sent anywhere else) and approves
    // `origin` for it on this machine: the address the user saw when typing the key.
    void storeKey(const QString& profileName, const QString& key, const QString& origin);
    // Records the user's approval of `origin` for the profile's key on this machine (never in
    // the database); refused for plain http:// to another machine.
    void approveOrigin(const QString& profileName, const QString& origin);
    // Embeds one sentence with the profile as stored (its key from the keychain).
    void test(const QString& profileName);

signals:
    // keyStored[i] says whether profiles[i] has a key in the keychain; approvedOrigins[i] the
    // origin this machine approved for it (empty: none).
    void profilesLoaded(const QList<quiver::EmbeddingProfile>& profiles,
                        const QList<bool>& keyStored, const QStringList& approvedOrigins);
    void keyStored(const QString& profileName);
    void originApproved(const QString& profileName, const QString& origin);
    void tested(const QString& profileName, int dimensions, qint64 milliseconds);
    // One line for the user, naming the profile and the fix; never a secret.
    void failed(const QString& message);

private:
    QThread* m_thread = nullptr;
    ProfileServiceWorker* m_worker = nullptr;
};

} // namespace quiver
