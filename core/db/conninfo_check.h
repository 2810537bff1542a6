#pragma once

#include <QString>

namespace quiver {

// What a conninfo string (key=value or postgresql:// URL) names, parsed by libpq.
struct ConninfoFields {
    QString host;
    QString port;
    QString user;
    QString dbname;
    QString password; // only to scrub it from messages; never shown
};

// Parses conninfo and checks the values that libpq would otherwise quote back in its errors
// (port, timeouts, sslmode, a host holding '@'). Throws DbError::invalidSettings() whose text is
// built only from Quiver's own words: nothing of the input, which may hold a password, is
// echoed, however malformed it is.
ConninfoFields checkConninfo(const QString& conninfo);

// "user@host:port/db" for display, built from the parsed fields (never the password); a fixed
// phrase when the string does not parse.
QString describeConninfo(const QString& conninfo);

} // namespace quiver
