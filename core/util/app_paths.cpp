#include "core/util/app_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace quiver {

namespace {
const QString kFolder = QStringLiteral("Quiver");

QString under(QStandardPaths::StandardLocation location) {
    return QStandardPaths::writableLocation(location) + QLatin1Char('/') + kFolder;
}
} // namespace

QString appDataDir() {
    return under(QStandardPaths::GenericDataLocation);
}

QString appCacheDir() {
    return under(QStandardPaths::GenericCacheLocation);
}

QString migrateLegacyDataDir() {
    const QString dataDir = appDataDir();
    const QString legacy = dataDir + QLatin1Char('/') + kFolder;
    QDir legacyDir(legacy);
    if (!legacyDir.exists())
        return {};
    // A server started by an older Quiver may still run from the legacy cluster: moving its
    // data directory under it would break it, so it stays where it is until it has stopped.
    const QString legacyCluster = legacy + QStringLiteral("/postgres");
    if (QFileInfo::exists(legacyCluster + QStringLiteral("/postmaster.pid")))
        return legacyCluster;
    bool everythingMoved = true;
    const QStringList entries =
        legacyDir.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString& name : entries) {
        const QString target = dataDir + QLatin1Char('/') + name;
        if (QFileInfo::exists(target) || !QDir().rename(legacy + QLatin1Char('/') + name, target))
            everythingMoved = false;
    }
    if (everythingMoved)
        QDir().rmdir(legacy);
    if (QFileInfo::exists(legacyCluster) &&
        !QFileInfo::exists(dataDir + QStringLiteral("/postgres")))
        return legacyCluster;
    return {};
}

bool makePrivateFolder(const QString& path) {
    return QDir().mkpath(path) &&
           QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

QString programDir() {
    if (QCoreApplication::instance())
        return QCoreApplication::applicationDirPath();
    return QFileInfo(QStringLiteral("/proc/self/exe")).canonicalPath();
}

} // namespace quiver
