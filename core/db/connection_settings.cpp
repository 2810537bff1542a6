#include "core/db/connection_settings.h"

#include <QHostAddress>
#include <QSettings>
#include <QStringList>

namespace quiver {

namespace {

const QString kGroup = QStringLiteral("connection/");

QString key(const char* name) {
    return kGroup + QLatin1String(name);
}

} // namespace

bool ConnectionSettings::isValidSslMode(const QString& mode) {
    static const QStringList modes = {QStringLiteral("disable"),   QStringLiteral("allow"),
                                      QStringLiteral("prefer"),    QStringLiteral("require"),
                                      QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    return modes.contains(mode);
}

bool ConnectionSettings::isLocalHost(const QString& host) {
    const QStringList hosts = host.split(QLatin1Char(','));
    for (const QString& entry : hosts) {
        const QString h = entry.trimmed();
        if (h.isEmpty() || h.startsWith(QLatin1Char('/')) || h.startsWith(QLatin1Char('@')))
            continue; // a Unix socket (directory, or Linux's abstract namespace)
        if (h.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
            h.compare(QLatin1String("localhost."), Qt::CaseInsensitive) == 0)
            continue;
        const QHostAddress address(h);
        if (address.isNull() || !address.isLoopback())
            return false;
    }
    return true;
}

QString ConnectionSettings::effectiveSslMode() const {
    if (isValidSslMode(sslMode))
        return sslMode;
    if (!sslRootCert.isEmpty())
        return QStringLiteral("verify-full");
    return isLocalHost(host) ? QStringLiteral("prefer") : QStringLiteral("require");
}

QString ConnectionSettings::quoteConninfoValue(const QString& value) {
    // libpq: a value with spaces, quotes or backslashes (or an empty one) must be single-quoted,
    // with ' and \ escaped by a backslash inside the quotes.
    bool plain = !value.isEmpty();
    for (const QChar c : value) {
        if (c.isSpace() || c == QLatin1Char('\'') || c == QLatin1Char('\\') ||
            c == QLatin1Char('=')) {
            plain = false;
            break;
        }
    }
    if (plain)
        return value;
    QString out;
    out.reserve(value.size() + 2);
    out += QLatin1Char('\'');
    for (const QChar c : value) {
        if (c == QLatin1Char('\'') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\');
        out += c;
    }
    out += QLatin1Char('\'');
    return out;
}

QString ConnectionSettings::conninfo(const QString& password) const {
    QStringList parts;
    const auto add = [&](const char* name, const QString& value) {
        if (!value.isEmpty())
            parts << QLatin1String(name) + QLatin1Char('=') + quoteConninfoValue(value);
    };
    add("host", host);
    if (port > 0)
        add("port", QString::number(port));
    add("dbname", database);
    add("user", user);
    if (mode == Mode::Server) {
        add("sslmode", effectiveSslMode());
        add("sslrootcert", sslRootCert);
    }
    add("password", password);
    return parts.join(QLatin1Char(' '));
}

QString ConnectionSettings::keychainKey() const {
    return QStringLiteral("db-password/%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

ConnectionSettings ConnectionSettings::load(const QSettings& s) {
    ConnectionSettings c;
    c.mode =
        s.value(key("mode")).toString() == QLatin1String("server") ? Mode::Server : Mode::Private;
    c.host = s.value(key("host"), c.host).toString();
    bool ok = false;
    const int port = s.value(key("port"), c.port).toInt(&ok);
    if (ok && port > 0 && port <= 65535)
        c.port = port;
    c.database = s.value(key("database"), c.database).toString();
    c.user = s.value(key("user"), c.user).toString();
    // An unknown value counts as never chosen: the automatic mode is the safe reading.
    const QString ssl = s.value(key("sslMode")).toString();
    if (isValidSslMode(ssl))
        c.sslMode = ssl;
    c.sslRootCert = s.value(key("sslRootCert"), c.sslRootCert).toString();
    return c;
}

void ConnectionSettings::save(QSettings& s) const {
    s.setValue(key("mode"),
               mode == Mode::Server ? QStringLiteral("server") : QStringLiteral("private"));
    s.setValue(key("host"), host);
    s.setValue(key("port"), port);
    s.setValue(key("database"), database);
    s.setValue(key("user"), user);
    if (isValidSslMode(sslMode))
        s.setValue(key("sslMode"), sslMode);
    else
        s.remove(key("sslMode"));
    s.setValue(key("sslRootCert"), sslRootCert);
    // Passwords belong in the keychain; clear one an older or hand-edited file may hold.
    s.remove(key("password"));
}

} // namespace quiver
