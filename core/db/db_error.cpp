#include "core/db/db_error.h"

#include "core/util/redact.h"

namespace quiver {

namespace {

// libpq prefixes connection failures with 'connection to server at "h", port p failed: ' and
// server messages with "FATAL:  " / "ERROR:  "; the user needs only the cause.
QString shortReason(const QString& message) {
    QString text = message;
    const qsizetype failed = text.lastIndexOf(QLatin1String(" failed: "));
    if (failed >= 0)
        text = text.mid(failed + 9);
    text = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    for (const auto prefix : {QLatin1String("FATAL:"), QLatin1String("ERROR:"),
                              QLatin1String("SSL error:"), QLatin1String("could not connect:")}) {
        if (text.startsWith(prefix))
            text = text.mid(prefix.size()).trimmed();
    }
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    if (!text.isEmpty() && text.at(0).isUpper() && (text.size() < 2 || text.at(1).isLower()))
        text[0] = text.at(0).toLower();
    return text;
}

// "at db.example.com:5432", or "through the socket /dir/.s.PGSQL.5432" for a local server.
QString serverName(const DbError::Target& t) {
    if (t.host.isEmpty())
        return QStringLiteral("through the default local socket");
    if (t.host.startsWith(QLatin1Char('/')) || t.host.startsWith(QLatin1Char('@')))
        return QStringLiteral("through the socket %1/.s.PGSQL.%2")
            .arg(t.host, t.port.isEmpty() ? QStringLiteral("5432") : t.port);
    return QStringLiteral("at ") + (t.port.isEmpty() ? t.host : t.host + QLatin1Char(':') + t.port);
}

QString quoted(const QString& s) {
    return QChar(0x201C) + s + QChar(0x201D);
}

} // namespace

DbError::DbError(Kind kind, const QString& message, const QString& sqlState)
    : DbError(kind, message, sqlState, Target{}) {}

DbError::DbError(Kind kind, const QString& message, const QString& sqlState, Target target)
    : std::runtime_error(redactSecrets(message).toStdString())
    , m_kind(kind)
    , m_message(redactSecrets(message))
    , m_sqlState(sqlState)
    , m_target(std::move(target)) {}

DbError DbError::schemaTooNew(int databaseVersion, int knownVersion) {
    DbError e(Kind::SchemaTooNew,
              QStringLiteral("database schema version %1 is newer than the latest version %2 "
                             "this build knows")
                  .arg(databaseVersion)
                  .arg(knownVersion));
    e.m_databaseVersion = databaseVersion;
    e.m_knownVersion = knownVersion;
    return e;
}

DbError DbError::invalidSettings(const QString& reason) {
    DbError e(Kind::Connection, QStringLiteral("invalid connection settings: %1").arg(reason));
    e.m_invalidSettings = true;
    return e;
}

void DbError::setDetail(const QString& detail) {
    m_detail = redactSecrets(detail);
}

QString DbError::kindName(Kind kind) {
    switch (kind) {
    case Kind::Connection:
        return QStringLiteral("connection");
    case Kind::Authentication:
        return QStringLiteral("authentication");
    case Kind::Unreachable:
        return QStringLiteral("unreachable");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::Query:
        return QStringLiteral("query");
    case Kind::SchemaTooNew:
        return QStringLiteral("schema-too-new");
    case Kind::Copy:
        return QStringLiteral("copy");
    case Kind::Closed:
        return QStringLiteral("closed");
    }
    return QStringLiteral("unknown");
}

QString DbError::userMessage() const {
    const QString reason = shortReason(m_message);
    if (m_invalidSettings)
        return QStringLiteral("The database connection settings are not valid: %1. Check --db, "
                              "QUIVER_DB or File › Connection.")
            .arg(m_message.section(QStringLiteral(": "), 1));
    const QString user = m_target.user.isEmpty() ? QStringLiteral("(default)") : m_target.user;
    switch (m_kind) {
    case Kind::Authentication: {
        const QString lower = m_message.toLower();
        if (lower.contains(QLatin1String("no password supplied")) ||
            lower.contains(QLatin1String("password is required")) ||
            lower.contains(QLatin1String("needs a password")))
            return QStringLiteral("The database server needs a password for user %1. Enter it "
                                  "in Settings › Connection.")
                .arg(quoted(user));
        if (m_sqlState == QLatin1String("28P01") ||
            lower.contains(QLatin1String("password authentication failed")))
            return QStringLiteral("The database server refused the password for user %1. Check "
                                  "the password in Settings › Connection.")
                .arg(quoted(user));
        return QStringLiteral("The database server refused user %1 (%2). Check the user name "
                              "and password in Settings › Connection, and that the server "
                              "allows this user to connect.")
            .arg(quoted(user), reason);
    }
    case Kind::Unreachable:
        return QStringLiteral("Cannot reach the database server %1 (%2). Check the host and "
                              "port, and that the server is running.")
            .arg(serverName(m_target), reason);
    case Kind::Tls:
        return QStringLiteral("The database server's TLS certificate was refused (%1). Check the "
                              "root certificate, or choose a weaker sslmode.")
            .arg(reason);
    case Kind::SchemaTooNew:
        return QStringLiteral("This database was set up by a newer Quiver (schema version %1; "
                              "this Quiver knows up to %2). Update Quiver to use it.")
            .arg(m_databaseVersion)
            .arg(m_knownVersion);
    case Kind::Connection:
        if (m_sqlState == QLatin1String("3D000") ||
            m_message.contains(QLatin1String("does not exist")))
            return QStringLiteral("The database server %1 has no database %2. Check the "
                                  "database name in Settings › Connection, or create it.")
                .arg(serverName(m_target), quoted(m_target.database));
        return QStringLiteral("Could not connect to the database server %1 (%2). Check the "
                              "connection settings.")
            .arg(serverName(m_target), reason);
    case Kind::Closed:
        return QStringLiteral("The connection to the database server was lost (%1). Try again; "
                              "if it keeps happening, check that the server is running and "
                              "the network is up.")
            .arg(reason);
    case Kind::Copy:
        return QStringLiteral("The database refused the data being imported (%1). Nothing from "
                              "this batch was stored.")
            .arg(reason);
    case Kind::Query:
        break;
    }
    if (m_sqlState.isEmpty())
        return QStringLiteral("The database reported an error: %1.").arg(reason);
    return QStringLiteral("The database reported an error: %1 (SQLSTATE %2).")
        .arg(reason, m_sqlState);
}

} // namespace quiver
