#pragma once

#include <QString>

#include <stdexcept>

namespace quiver {

// Every failure of the database layer. message() is the server's or libpq's own text (secrets
// redacted); userMessage() says what happened and what to do, for the UI and the CLI.
class DbError : public std::runtime_error {
public:
    enum class Kind {
        Connection,
        Authentication,
        Unreachable,
        Tls,
        Query,
        SchemaTooNew,
        Copy,
        Closed
    };

    // Where the failing connection pointed; lets userMessage() name the user and the server.
    struct Target {
        QString user;
        QString host; // host name, address or Unix socket directory
        QString port;
        QString database;
    };

    DbError(Kind kind, const QString& message, const QString& sqlState = {});
    DbError(Kind kind, const QString& message, const QString& sqlState, Target target);

    // The database holds schema `databaseVersion`, newer than this build's `knownVersion`.
    static DbError schemaTooNew(int databaseVersion, int knownVersion);
    // The connection settings themselves are malformed; `reason` is in Quiver's words and holds
    // nothing of the settings.
    static DbError invalidSettings(const QString& reason);

    Kind kind() const { return m_kind; }
    QString message() const { return m_message; }
    QString sqlState() const { return m_sqlState; }
    QString detail() const { return m_detail; } // DETAIL/HINT from the server, redacted
    const Target& target() const { return m_target; }
    QString userMessage() const;

    void setDetail(const QString& detail);

    static QString kindName(Kind kind);

private:
    Kind m_kind;
    QString m_message;
    QString m_sqlState;
    QString m_detail;
    Target m_target;
    int m_databaseVersion = 0;
    int m_knownVersion = 0;
    bool m_invalidSettings = false;
};

} // namespace quiver
