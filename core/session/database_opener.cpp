#include "core/session/database_opener.h"

#include "core/db/cluster_error.h"
#include "core/db/db_error.h"
#include "core/db/migrations.h"
#include "core/db/private_cluster.h"
#include "core/secrets/secret_store.h"
#include "core/util/redact.h"

#include <stdexcept>

namespace quiver {

namespace {
class KeychainError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
} // namespace

DatabaseOpener::DatabaseOpener() = default;
DatabaseOpener::~DatabaseOpener() {
    release();
}

void DatabaseOpener::report(const QString& step) const {
    if (onProgress)
        onProgress(step);
}

QString DatabaseOpener::conninfoFor(const DatabaseTarget& target) {
    switch (target.source) {
    case DatabaseTarget::Source::CommandLine:
    case DatabaseTarget::Source::Environment:
        return target.conninfo;
    case DatabaseTarget::Source::Settings: {
        report(QStringLiteral("Reading the database password from the keychain…"));
        const SecretResult secret = SecretStore().read(target.settings.keychainKey());
        if (!secret.ok && !secret.notFound)
            throw KeychainError(secret.error.toStdString());
        // No stored password is fine: the server may use certificates, peer or trust.
        return target.settings.conninfo(secret.ok ? secret.value : QString());
    }
    case DatabaseTarget::Source::PrivateCluster:
        break;
    }
    if (!m_cluster) {
        m_cluster = std::make_unique<PrivateCluster>();
        m_cluster->onProgress = [this](const QString& step) { report(step); };
    }
    report(QStringLiteral("Starting the private database…"));
    return m_cluster->start();
}

PgConnection DatabaseOpener::open(const DatabaseTarget& target) {
    const QString conninfo = conninfoFor(target);
    report(QStringLiteral("Connecting to %1…").arg(target.describe()));
    PgConnection conn = PgConnection::open(conninfo);
    report(QStringLiteral("Checking the database schema…"));
    Migrations::apply(conn);
    m_conninfo = conninfo;
    return conn;
}

void DatabaseOpener::release() {
    if (m_cluster) {
        m_cluster->release();
        m_cluster.reset();
    }
}

QString userMessageFor(const std::exception& e) {
    if (const auto* db = dynamic_cast<const DbError*>(&e))
        return db->userMessage();
    if (const auto* cluster = dynamic_cast<const ClusterError*>(&e))
        return cluster->userMessage();
    return redactSecrets(QString::fromUtf8(e.what()));
}

} // namespace quiver
