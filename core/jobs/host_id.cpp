#include "core/jobs/host_id.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QSettings>
#include <QUuid>

namespace quiver {

QString HostId::local(QSettings& settings) {
    QString id = settings.value(key()).toString();
    if (!id.isEmpty())
        return id;
    // The lock serialises first starts; the value is read again under it, since another
    // process may have made one meanwhile.
    QLockFile lock(settings.fileName() + QStringLiteral(".hostid.lock"));
    const bool locked =
        QFileInfo(settings.fileName()).dir().mkpath(QStringLiteral(".")) && lock.tryLock(10000);
    settings.sync();
    id = settings.value(key()).toString();
    if (id.isEmpty()) {
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        settings.setValue(key(), id);
        settings.sync();
    }
    if (locked)
        lock.unlock();
    return id;
}

QString HostId::local() {
    QSettings settings;
    return local(settings);
}

} // namespace quiver
