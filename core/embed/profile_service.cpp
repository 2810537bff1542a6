#include "core/embed/profile_service.h"

#include "core/embed/api_key_resolver.h"
#include "core/embed/approved_origins.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/embed/profile_service_worker.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_opener.h"
#include "core/util/redact.h"

#include <QElapsedTimer>
#include <QThread>

#include <functional>
#include <optional>

namespace quiver {

ProfileService::ProfileService(const DatabaseTarget& target, QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new ProfileServiceWorker(target)) {
    m_thread->setObjectName(QStringLiteral("quiver-profiles"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ProfileServiceWorker::profilesLoaded, this, &ProfileService::profilesLoaded);
    connect(m_worker, &ProfileServiceWorker::keyStored, this, &ProfileService::keyStored);
    connect(m_worker, &ProfileServiceWorker::originApproved, this, &ProfileService::originApproved);
    connect(m_worker, &ProfileServiceWorker::tested, this, &ProfileService::tested);
    connect(m_worker, &ProfileServiceWorker::failed, this, &ProfileService::failed);
    m_thread->start();
}

ProfileService::~ProfileService() {
    m_thread->quit();
    m_thread->wait();
}

void ProfileService::reload() {
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker]() { w->run([w](ProfileRepository& repo) { w->load(repo); }); });
}

void ProfileService::save(const EmbeddingProfile& profile) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, profile]() {
        w->run([w, &profile](ProfileRepository& repo) {
            if (profile.id == 0)
                repo.add(profile);
            else
                repo.update(profile);
            w->load(repo);
        });
    });
}

void ProfileService::remove(const QString& name) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, name]() {
        w->run([w, &name](ProfileRepository& repo) {
            const std::optional<EmbeddingProfile> p = repo.find(name);
            repo.remove(name);
            if (p && p->acceptsKey()) {
                // A later namesake must not inherit the key, nor where it was allowed to go.
                w->secrets().remove(p->keychainKey());
                ApprovedOrigins().revoke(name);
            }
            w->load(repo);
        });
    });
}

void ProfileService::setDefault(const QString& name) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, name]() {
        w->run([w, &name](ProfileRepository& repo) {
            repo.setDefault(name);
            w->load(repo);
        });
    });
}

void ProfileService::storeKey(const QString& profileName, const QString& key,
                              const QString& origin) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, profileName, key, origin]() {
        w->run([w, &profileName, &key, &origin](ProfileRepository& repo) {
            const EmbeddingProfile p = repo.resolve(profileName);
            w->approve(p, origin); // first: a key for an address it may not go to is not stored
            const SecretResult r = w->secrets().write(p.keychainKey(), key);
            if (!r.ok)
                throw ProfileError(QStringLiteral("could not store the key of profile \"%1\" in "
                                                  "the keychain: %2")
                                       .arg(profileName, r.error));
            emit w->keyStored(profileName);
            w->load(repo);
        });
    });
}

void ProfileService::approveOrigin(const QString& profileName, const QString& origin) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, profileName, origin]() {
        w->run([w, &profileName, &origin](ProfileRepository& repo) {
            w->approve(repo.resolve(profileName), origin);
            w->load(repo);
        });
    });
}

void ProfileService::test(const QString& profileName) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, profileName]() {
        w->run([w, &profileName](ProfileRepository& repo) {
            const EmbeddingProfile p = repo.resolve(profileName);
            const ApiKeyResolver::Result key =
                ApiKeyResolver(w->secrets())
                    .resolve(p, ApiKeyResolver::Sources{QString(), false, {}});
            QElapsedTimer t;
            t.start();
            const std::unique_ptr<Embedder> embedder = createEmbedder(p, key.key);
            const auto v = embedder->embed(
                {QStringLiteral("Quiver checks that this profile turns a sentence into a "
                                "vector.")});
            emit w->tested(profileName, static_cast<int>(v.front().size()), t.elapsed());
        });
    });
}

} // namespace quiver
