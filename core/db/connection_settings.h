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
    // disable|allow|prefer|require|verify-ca|verify-full as the user chose it; empty: never
    // chosen, and effectiveSslMode() decides.
    QString sslMode;
    QString sslRootCert; // path, for verify-ca/verify-full

    // The sslmode a connection uses: the user's choice, else one that cannot silently fall back
    // to plaintext wherever the traffic leaves this computer: verify-full when a root
    // certificate is configured (the user named the authority to check), require for any other
    // TCP host, prefer for Unix sockets and loopback (libpq never uses TLS on a socket, and
    // loopback traffic stays on this machine).
    QString effectiveSslMode() const;
    // True when every host of `host` (a comma-separated list, as libpq takes) is a Unix socket
    // directory, "localhost" or a loopback address; an empty host is libpq's default socket.
    static bool isLocalHost(const QString& host);

    // libpq key=value string, values quoted and escaped as needed. The password is included
    // only if non-empty: never log the result (use redactSecrets). Empty fields are left out
    // so that libpq's defaults apply; in Private mode sslmode/sslrootcert are left out, in
    // Server mode sslmode is effectiveSslMode().
    QString conninfo(const QString& password = {}) const;
    QString keychainKey() const; // "db-password/user@host:port/database"

    // Group "connection"; no password key is ever written (a stray one is removed). A mode
    // never chosen is not written, so that it stays the automatic one.
    static ConnectionSettings load(const QSettings& s);
    void save(QSettings& s) const;

    static bool isValidSslMode(const QString& mode);
    static QString quoteConninfoValue(const QString& value);

    bool operator==(const ConnectionSettings&) const = default;
};

} // namespace quiver
