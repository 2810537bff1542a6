#include "core/search/database_identity.h"

#include "core/db/db_error.h"
#include "core/db/pg_connection.h"

#include <QCryptographicHash>

namespace quiver {

DatabaseIdentity DatabaseIdentity::read(PgConnection& conn) {
    DatabaseIdentity id;
    const PgResult r =
        conn.exec(QStringLiteral("SELECT current_database(), d.oid::bigint, s.install_id::text "
                                 "FROM pg_catalog.pg_database d, quiver.search_settings s "
                                 "WHERE d.datname = current_database()"));
    id.databaseName = r.text(0, 0);
    id.databaseOid = r.toInt64(0, 1);
    id.installId = r.text(0, 2);
    // pg_control_system() may be withheld from ordinary roles; the other three still tell
    // databases apart.
    if (conn.transactionDepth() == 0) {
        try {
            id.systemIdentifier =
                conn.exec(QStringLiteral("SELECT system_identifier::text FROM pg_control_system()"))
                    .text(0, 0);
        } catch (const DbError&) {
            id.systemIdentifier.clear();
        }
    }
    return id;
}

QString DatabaseIdentity::indexKey(const QString& model) const {
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const QString& part : {systemIdentifier, databaseName, model}) {
        h.addData(part.toUtf8());
        h.addData(QByteArrayView("\0", 1));
    }
    return QString::fromLatin1(h.result().toHex().left(24));
}

QJsonObject DatabaseIdentity::toJson() const {
    return QJsonObject{{QStringLiteral("system_identifier"), systemIdentifier},
                       {QStringLiteral("database"), databaseName},
                       {QStringLiteral("database_oid"), QString::number(databaseOid)},
                       {QStringLiteral("install_id"), installId}};
}

DatabaseIdentity DatabaseIdentity::fromJson(const QJsonObject& o) {
    DatabaseIdentity id;
    id.systemIdentifier = o.value(QStringLiteral("system_identifier")).toString();
    id.databaseName = o.value(QStringLiteral("database")).toString();
    id.databaseOid = o.value(QStringLiteral("database_oid")).toString().toLongLong();
    id.installId = o.value(QStringLiteral("install_id")).toString();
    return id;
}

} // namespace quiver
