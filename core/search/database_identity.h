#pragma once

#include <QJsonObject>
#include <QString>

namespace quiver {

class PgConnection;

// Which database a local index belongs to: the cluster's system identifier, the database's
// name and oid, and the random id the quiver schema was created with. Two databases never
// share all four, so an index made for one is never trusted for another.
struct DatabaseIdentity {
    QString systemIdentifier; // empty where pg_control_system() is not readable
    QString databaseName;
    qint64 databaseOid = 0;
    QString installId;

    static DatabaseIdentity read(PgConnection& conn);

    // A short, file-name-safe key for (this database, model); stable across runs.
    QString indexKey(const QString& model) const;

    QJsonObject toJson() const;
    static DatabaseIdentity fromJson(const QJsonObject& o);
    bool operator==(const DatabaseIdentity&) const = default;
};

} // namespace quiver
