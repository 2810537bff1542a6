#include "core/embed/api_key_resolver.h"

#include "core/embed/approved_origins.h"
#include "core/embed/embedder.h"
#include "core/embed/key_approval_required.h"
#include "core/secrets/secret_store.h"

#include <QFile>
#include <QFileInfo>

namespace quiver {

namespace {

ApprovedOrigins& originsOr(std::unique_ptr<ApprovedOrigins>& own, ApprovedOrigins* given) {
    if (given)
        return *given;
    own = std::make_unique<ApprovedOrigins>();
    return *own;
}

} // namespace

ApiKeyResolver::ApiKeyResolver(SecretStore& store, ApprovedOrigins* origins)
    : m_store(store)
    , m_origins(originsOr(m_ownOrigins, origins)) {}

ApiKeyResolver::~ApiKeyResolver() = default;

QString ApiKeyResolver::readKeyFile(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile())
        throw EmbedError(
            EmbedError::Kind::Config,
            QStringLiteral("the API key file %1 does not exist or is not a file").arg(path));
    if (info.permissions() &
        (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther))
        throw EmbedError(EmbedError::Kind::Config,
                         QStringLiteral("the API key file %1 can be read by other users: run "
                                        "'chmod 600 %1' and try again")
                             .arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw EmbedError(
            EmbedError::Kind::Config,
            QStringLiteral("cannot read the API key file %1 (%2)").arg(path, file.errorString()));
    const QString key = QString::fromUtf8(file.readLine(64 * 1024)).trimmed();
    if (key.isEmpty())
        throw EmbedError(EmbedError::Kind::Config,
                         QStringLiteral("the API key file %1 is empty").arg(path));
    return key;
}

ApiKeyResolver::Result ApiKeyResolver::resolve(const EmbeddingProfile& profile,
                                               const Sources& sources) {
    if (!profile.acceptsKey())
        return {};
    const Result found = find(profile, sources);
    if (found.key.isEmpty())
        return {};
    checkDestination(profile, found);
    return found;
}

ApiKeyResolver::Result ApiKeyResolver::find(const EmbeddingProfile& profile,
                                            const Sources& sources) {
    const SecretResult stored = m_store.read(profile.keychainKey());
    if (stored.ok && !stored.value.isEmpty())
        return {stored.value, QStringLiteral("keychain")};
    // Whatever the database names (a job's profile, the default one) never gets these: only
    // the profile the user named next to them.
    const bool named = !sources.namedProfile.isEmpty() && sources.namedProfile == profile.name;
    if (named && sources.useEnvironment) {
        const QString env = qEnvironmentVariable("QUIVER_API_KEY").trimmed();
        if (!env.isEmpty())
            return {env, QStringLiteral("QUIVER_API_KEY")};
    }
    if (named && !sources.apiKeyFile.isEmpty())
        return {readKeyFile(sources.apiKeyFile), QStringLiteral("file")};
    if (!profile.needsKey())
        return {};
    const QString how = QStringLiteral("set QUIVER_API_KEY, or pass --api-key-file FILE "
                                       "(a file only you can read), with --profile %1")
                            .arg(profile.name);
    if (!stored.ok && !stored.notFound)
        throw EmbedError(EmbedError::Kind::Config,
                         QStringLiteral("profile \"%1\" needs an API key, and no keychain is "
                                        "reachable (%2): %3")
                             .arg(profile.name, stored.error, how));
    throw EmbedError(EmbedError::Kind::Config,
                     QStringLiteral("profile \"%1\" needs an API key and none is stored: run "
                                    "'quiver-cli key set %1' (the key is read from standard "
                                    "input), or %2")
                         .arg(profile.name, how));
}

void ApiKeyResolver::checkDestination(const EmbeddingProfile& profile, const Result& found) {
    const QString refused = ApprovedOrigins::refusal(profile);
    if (!refused.isEmpty())
        throw EmbedError(EmbedError::Kind::Config, refused);
    const QString origin = profile.origin();
    const QString approved = m_origins.approvedFor(profile.name);
    if (approved == origin)
        return;
    const QString from =
        found.source == QLatin1String("keychain")
            ? QStringLiteral("in the keychain")
            : QStringLiteral("given by %1")
                  .arg(found.source == QLatin1String("file") ? QStringLiteral("--api-key-file")
                                                             : found.source);
    const QString was =
        approved.isEmpty()
            ? QStringLiteral("no address has been approved for its key on this machine yet (keys "
                             "stored before Quiver checked addresses need this once)")
            : QStringLiteral("its key was approved for %1 on this machine").arg(approved);
    throw KeyApprovalRequired(
        QStringLiteral("profile \"%1\" points at %3, but %4, so its API key (%2) was not "
                       "sent, nor anything else. If you changed the address yourself, approve "
                       "it: run 'quiver-cli key approve %1' or use Approve address in Settings › "
                       "Embeddings; if you did not, someone who can write to the database did: "
                       "check the profile's base URL first")
            .arg(profile.name, from, origin, was),
        profile.name, origin);
}

} // namespace quiver
