#include "core/embed/approved_origins.h"

#include "core/embed/embedding_profile.h"

#include <QSettings>
#include <QUrl>

namespace quiver {

ApprovedOrigins::ApprovedOrigins()
    : m_settings(std::make_unique<QSettings>()) {}

ApprovedOrigins::ApprovedOrigins(std::unique_ptr<QSettings> settings)
    : m_settings(std::move(settings)) {}

ApprovedOrigins::~ApprovedOrigins() = default;

QString ApprovedOrigins::settingsKey(const QString& profileName) const {
    // A name from the database may hold '/' or other characters QSettings reads as structure.
    return QStringLiteral("apiKeyOrigins/") +
           QString::fromLatin1(QUrl::toPercentEncoding(profileName));
}

QString ApprovedOrigins::approvedFor(const QString& profileName) const {
    m_settings->sync(); // another process (quiver-cli key approve) may have written since
    return m_settings->value(settingsKey(profileName)).toString();
}

bool ApprovedOrigins::isApproved(const EmbeddingProfile& profile) const {
    const QString origin = profile.origin();
    return !origin.isEmpty() && approvedFor(profile.name) == origin;
}

void ApprovedOrigins::approve(const QString& profileName, const QString& origin) {
    m_settings->setValue(settingsKey(profileName), origin);
    m_settings->sync();
}

void ApprovedOrigins::revoke(const QString& profileName) {
    m_settings->remove(settingsKey(profileName));
    m_settings->sync();
}

QString ApprovedOrigins::refusal(const EmbeddingProfile& profile) {
    if (profile.origin().isEmpty())
        return QStringLiteral("profile \"%1\" has no usable http:// or https:// base URL, so its "
                              "API key goes nowhere")
            .arg(profile.name);
    if (profile.origin().startsWith(QLatin1String("http:")) && !profile.isLoopback())
        return QStringLiteral("profile \"%1\" points at %2 over plain http://, where its API key "
                              "could be read on the way: Quiver sends keys only over https:// or "
                              "to this machine (localhost). Change the profile's base URL to "
                              "https:// (Settings › Embeddings), or delete its key "
                              "('quiver-cli key delete %1') to use the server without one")
            .arg(profile.name, profile.origin());
    return {};
}

} // namespace quiver
