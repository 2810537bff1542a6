#pragma once

#include <QString>

class QSettings;

namespace quiver {

// Where the user's database is. The password is never stored here: it lives in the keychain
// under keychainKey().
struct ConnectionSettings {
    enum class Mode { Private, Server };

    Mode mode = Mode::Private;
    QString host; // host name, address, or Unix socket directory
    int port = 5432;
    QString database = QStringLiteral("quiver");
    QString user;
    QString sslMode =
        QStringLiteral("prefer"); // disable|allow|prefer|require|verify-ca|verify-full
    QString sslRootCert;          // path, for verify-ca/verify-full

    // libpq key=value string, values quoted and escaped as needed. The password is included
    // only if non-empty: never log the result (use redactSecrets). Empty fields are left out
    // so that libpq's defaults apply; in Private mode sslmode/sslrootcert are left out.
    QString conninfo(const QString& password = {}) const;
    QString keychainKey() const; // "db-password/user@host:port/database"

    // Group "connection"; no password key is ever written (a stray one is removed).
    static ConnectionSettings load(const QSettings& s);
    void save(QSettings& s) const;

    static bool isValidSslMode(const QString& mode);
    static QString quoteConninfoValue(const QString& value);

    bool operator==(const ConnectionSettings&) const = default;
};

} // namespace quiver
