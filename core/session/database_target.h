#pragma once

#include "core/db/connection_settings.h"

#include <QString>

class QSettings;

namespace quiver {

// Which database Quiver talks to, decided once at start-up: an explicit conninfo from the
// command line, then QUIVER_DB, then a server saved in the settings, else the private cluster.
struct DatabaseTarget {
    enum class Source { CommandLine, Environment, Settings, PrivateCluster };

    Source source = Source::PrivateCluster;
    QString conninfo;            // CommandLine and Environment
    ConnectionSettings settings; // Settings (a server; its password lives in the keychain)

    QString describe() const;

    static DatabaseTarget resolve(const QString& commandLineConninfo, const QSettings& settings);
};

} // namespace quiver
