#include "core/ingest/root_identity.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStorageInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#endif

namespace quiver {

bool RootIdentity::sameFolderAs(const RootIdentity& recorded) const {
    if (mountPoint != recorded.mountPoint || device != recorded.device)
        return false;
    return inode == 0 || recorded.inode == 0 || inode == recorded.inode;
}

QString RootIdentity::describe() const {
    QString text = QStringLiteral("device %1, inode %2").arg(device).arg(inode);
    if (mountPoint)
        text += QStringLiteral(", a mount point");
    return text;
}

RootProbe RootProbe::of(const QString& path) {
    RootProbe probe;
#ifdef Q_OS_UNIX
    struct stat st {};
    const QByteArray native = QFile::encodeName(path);
    if (::stat(native.constData(), &st) != 0) {
        probe.state = State::Missing;
        probe.error = QString::fromLocal8Bit(std::strerror(errno));
        return probe;
    }
    if (!S_ISDIR(st.st_mode)) {
        probe.state = State::NotAFolder;
        return probe;
    }
    probe.identity.device = static_cast<quint64>(st.st_dev);
    probe.identity.inode = static_cast<quint64>(st.st_ino);
    struct stat parent {};
    const QByteArray parentPath = QFile::encodeName(path + QStringLiteral("/.."));
    probe.identity.mountPoint =
        ::stat(parentPath.constData(), &parent) == 0 &&
        (parent.st_dev != st.st_dev || (parent.st_ino == st.st_ino && parent.st_dev == st.st_dev));
    // Opening the folder is what a walk does first; a folder that cannot be listed says
    // nothing about which of its files are gone.
    DIR* dir = ::opendir(native.constData());
    if (!dir) {
        probe.state = State::Unreadable;
        probe.error = QString::fromLocal8Bit(std::strerror(errno));
        return probe;
    }
    ::closedir(dir);
    probe.state = State::Folder;
#else
    const QFileInfo info(path);
    if (!info.exists()) {
        probe.state = State::Missing;
        return probe;
    }
    if (!info.isDir()) {
        probe.state = State::NotAFolder;
        return probe;
    }
    // Without inodes: the volume's device name stands for the device, and a folder that is the
    // root of its volume for a mount point.
    const QStorageInfo volume(path);
    probe.identity.device = qHash(volume.device());
    probe.identity.mountPoint =
        QDir::cleanPath(volume.rootPath()) == QDir::cleanPath(info.absoluteFilePath());
    probe.state = QDir(path).isReadable() ? State::Folder : State::Unreadable;
    if (probe.state == State::Unreadable)
        probe.error = QStringLiteral("permission denied");
#endif
    return probe;
}

RootIdentityStore::RootIdentityStore(QSettings& settings)
    : m_settings(settings) {}

namespace {

QJsonObject allIdentities(const QSettings& settings) {
    return QJsonDocument::fromJson(settings.value(RootIdentityStore::key()).toString().toUtf8())
        .object();
}

} // namespace

std::optional<RootIdentity> RootIdentityStore::find(const QString& root) const {
    const QJsonObject all = allIdentities(m_settings);
    const QJsonValue entry = all.value(root);
    if (!entry.isObject())
        return std::nullopt;
    const QJsonObject o = entry.toObject();
    RootIdentity id;
    // 64-bit numbers travel as text: a JSON number is a double.
    id.device = o.value(QStringLiteral("device")).toString().toULongLong();
    id.inode = o.value(QStringLiteral("inode")).toString().toULongLong();
    id.mountPoint = o.value(QStringLiteral("mountPoint")).toBool();
    id.files = o.value(QStringLiteral("files")).toInteger();
    id.seen = QDateTime::fromString(o.value(QStringLiteral("seen")).toString(), Qt::ISODate);
    return id;
}

void RootIdentityStore::save(const QString& root, const RootIdentity& identity) {
    m_settings.sync(); // another process may have saved another folder since
    QJsonObject all = allIdentities(m_settings);
    all.insert(root, QJsonObject{{QStringLiteral("device"), QString::number(identity.device)},
                                 {QStringLiteral("inode"), QString::number(identity.inode)},
                                 {QStringLiteral("mountPoint"), identity.mountPoint},
                                 {QStringLiteral("files"), identity.files},
                                 {QStringLiteral("seen"), identity.seen.toString(Qt::ISODate)}});
    m_settings.setValue(key(),
                        QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact)));
    m_settings.sync();
}

void RootIdentityStore::forget(const QString& root) {
    m_settings.sync();
    QJsonObject all = allIdentities(m_settings);
    all.remove(root);
    m_settings.setValue(key(),
                        QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact)));
    m_settings.sync();
}

} // namespace quiver
