#include "core/session/database_target.h"

#include "core/db/conninfo_check.h"

#include <QSettings>

namespace quiver {

QString DatabaseTarget::describe() const {
    switch (source) {
    case Source::CommandLine:
    case Source::Environment:
        // Built from the parsed fields, so no part of a password can show.
        return describeConninfo(conninfo);
    case Source::Settings:
        return QStringLiteral("%1@%2:%3/%4")
            .arg(settings.user, settings.host)
            .arg(settings.port)
            .arg(settings.database);
    case Source::PrivateCluster:
        break;
    }
    return QStringLiteral("Private database on this computer");
}

DatabaseTarget DatabaseTarget::resolve(const QString& commandLineConninfo,
                                       const QSettings& settings) {
    DatabaseTarget t;
    if (!commandLineConninfo.isEmpty()) {
        t.source = Source::CommandLine;
        t.conninfo = commandLineConninfo;
        return t;
    }
    const QString env = qEnvironmentVariable("QUIVER_DB");
    if (!env.isEmpty()) {
        t.source = Source::Environment;
        t.conninfo = env;
        return t;
    }
    const ConnectionSettings saved = ConnectionSettings::load(settings);
    if (saved.mode == ConnectionSettings::Mode::Server) {
        t.source = Source::Settings;
        t.settings = saved;
    }
    return t;
}

} // namespace quiver
