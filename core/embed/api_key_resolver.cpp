#include "core/embed/api_key_resolver.h"

#include "core/embed/embedder.h"
#include "core/secrets/secret_store.h"

#include <QFile>
#include <QFileInfo>

namespace quiver {

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
    const SecretResult stored = m_store.read(profile.keychainKey());
    if (stored.ok && !stored.value.isEmpty())
        return {stored.value, QStringLiteral("keychain")};
    if (sources.useEnvironment) {
        const QString env = qEnvironmentVariable("QUIVER_API_KEY").trimmed();
        if (!env.isEmpty())
            return {env, QStringLiteral("QUIVER_API_KEY")};
    }
    if (!sources.apiKeyFile.isEmpty())
        return {readKeyFile(sources.apiKeyFile), QStringLiteral("file")};
    if (!profile.needsKey())
        return {};
    const QString how = QStringLiteral("set QUIVER_API_KEY, or pass --api-key-file FILE "
                                       "(a file only you can read)");
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

} // namespace quiver
