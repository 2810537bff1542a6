#include "core/embed/profile_service_worker.h"

#include "core/embed/approved_origins.h"
#include "core/embed/embedder.h"

namespace quiver {

void ProfileServiceWorker::run(const std::function<void(ProfileRepository&)>& f) {
    try {
        if (!m_conn)
            m_conn = m_opener.open(m_target);
        ProfileRepository repo(*m_conn);
        f(repo);
    } catch (const ProfileError& e) {
        emit failed(e.message());
    } catch (const EmbedError& e) {
        emit failed(e.message());
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::Closed)
            m_conn.reset(); // reconnect on the next request
        emit failed(e.userMessage());
    } catch (const std::exception& e) {
        emit failed(userMessageFor(e));
    }
}

void ProfileServiceWorker::load(ProfileRepository& repo) {
    const QList<EmbeddingProfile> profiles = repo.list();
    const ApprovedOrigins approvals;
    QList<bool> stored;
    QStringList origins;
    for (const EmbeddingProfile& p : profiles) {
        bool has = false;
        if (p.acceptsKey()) {
            const SecretResult r = m_store.read(p.keychainKey());
            has = r.ok && !r.value.isEmpty();
        }
        stored << has;
        origins << approvals.approvedFor(p.name);
    }
    emit profilesLoaded(profiles, stored, origins);
}

void ProfileServiceWorker::approve(const EmbeddingProfile& profile, const QString& origin) {
    // What the user approves is the address as it was shown; the profile checks that it is one.
    EmbeddingProfile shown = profile;
    shown.baseUrl = origin;
    const QString refused = ApprovedOrigins::refusal(shown);
    if (!refused.isEmpty())
        throw ProfileError(refused);
    ApprovedOrigins().approve(profile.name, shown.origin());
    emit originApproved(profile.name, shown.origin());
}

} // namespace quiver
