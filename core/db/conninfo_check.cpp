#include "core/db/conninfo_check.h"

#include "core/db/db_error.h"

#include <QRegularExpression>

#include <libpq-fe.h>

#include <array>
#include <utility>

namespace quiver {

namespace {

// libpq's parse errors, matched by their fixed wording (never by the quoted input that follows)
// and said again in Quiver's words.
constexpr std::array<std::pair<const char*, const char*>, 9> kParseErrors{{
    {"invalid percent-encoded token", "a %-escape in the URL is not two hex digits"},
    {"forbidden value %00", "the URL contains %00"},
    {"missing \"=\"", "a word is not followed by \"=\" (write key=value pairs)"},
    {"unterminated quoted string", "a quoted value is not closed"},
    {"invalid connection option", "it names an option that libpq does not know"},
    {"invalid URI query parameter", "the URL names a parameter that libpq does not know"},
    {"matching \"]\"", "an IPv6 address in the URL lacks its closing ']'"},
    {"extra key/value separator", "a URL parameter has two '=' signs"},
    {"missing key/value separator", "a URL parameter lacks its '='"},
}};

QString parseFailureReason(const char* libpqMessage) {
    const QString msg = QString::fromUtf8(libpqMessage ? libpqMessage : "");
    for (const auto& [phrase, ours] : kParseErrors) {
        if (msg.contains(QString::fromUtf8(phrase)))
            return QString::fromUtf8(ours);
    }
    return QStringLiteral("libpq cannot parse it");
}

bool isWholeNumber(const QString& v, qint64 min, qint64 max) {
    bool ok = false;
    const qint64 n = v.trimmed().toLongLong(&ok);
    return ok && n >= min && n <= max;
}

const QStringList kIntegerOptions{
    QStringLiteral("connect_timeout"),  QStringLiteral("keepalives"),
    QStringLiteral("keepalives_idle"),  QStringLiteral("keepalives_interval"),
    QStringLiteral("keepalives_count"), QStringLiteral("tcp_user_timeout")};

const QStringList kSslModes{QStringLiteral("disable"),   QStringLiteral("allow"),
                            QStringLiteral("prefer"),    QStringLiteral("require"),
                            QStringLiteral("verify-ca"), QStringLiteral("verify-full")};

} // namespace

ConninfoFields checkConninfo(const QString& conninfo) {
    const QByteArray info = conninfo.toUtf8();
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(info.constData(), &error);
    if (!options) {
        const QString reason = parseFailureReason(error);
        if (error)
            PQfreemem(error);
        throw DbError::invalidSettings(reason);
    }
    ConninfoFields f;
    QString problem;
    for (PQconninfoOption* o = options; o->keyword && problem.isEmpty(); ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromUtf8(o->keyword);
        const QString value = QString::fromUtf8(o->val);
        if (key == QLatin1String("password")) {
            f.password = value;
        } else if (key == QLatin1String("host")) {
            f.host = value;
            // A URL password with an unescaped '@' or '/' ends up in the host.
            if (value.contains(QLatin1Char('@')) ||
                value.contains(QRegularExpression(QStringLiteral("\\s"))))
                problem = QStringLiteral("the host name contains '@' or a space; in a "
                                         "postgresql:// URL write '@' in a password as %40 and "
                                         "'/' as %2F, or better keep the password in ~/.pgpass");
        } else if (key == QLatin1String("port")) {
            f.port = value;
            for (const QString& p : value.split(QLatin1Char(','))) {
                if (!p.isEmpty() && !isWholeNumber(p, 1, 65535))
                    problem = QStringLiteral("the port is not a number from 1 to 65535 (in a URL, "
                                             "a ':' or '/' in the password must be written %3A "
                                             "or %2F)");
            }
        } else if (key == QLatin1String("user")) {
            f.user = value;
        } else if (key == QLatin1String("dbname")) {
            f.dbname = value;
        } else if (key == QLatin1String("sslmode")) {
            if (!kSslModes.contains(value))
                problem = QStringLiteral("sslmode must be one of %1")
                              .arg(kSslModes.join(QStringLiteral(", ")));
        } else if (kIntegerOptions.contains(key)) {
            if (!isWholeNumber(value, 0, 1LL << 31))
                problem = QStringLiteral("%1 is not a whole number").arg(key);
        }
    }
    PQconninfoFree(options);
    if (!problem.isEmpty())
        throw DbError::invalidSettings(problem);
    return f;
}

QString describeConninfo(const QString& conninfo) {
    ConninfoFields f;
    try {
        f = checkConninfo(conninfo);
    } catch (const DbError&) {
        return QStringLiteral("(connection settings that are not valid)");
    }
    QString out = f.user.isEmpty() ? QString() : f.user + QLatin1Char('@');
    out += f.host.isEmpty() ? QStringLiteral("local socket") : f.host;
    if (!f.port.isEmpty())
        out += QLatin1Char(':') + f.port;
    if (!f.dbname.isEmpty())
        out += QLatin1Char('/') + f.dbname;
    return out;
}

} // namespace quiver
