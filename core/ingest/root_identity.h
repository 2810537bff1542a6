#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

class QSettings;

namespace quiver {

// What a watched folder is, as the file system says: which device it lives on, its inode there,
// and whether it is a mount point (on another device than its parent folder). Compared with
// what was recorded when the folder was last rescanned on this machine, it tells an unmounted
// disk (the mount point is now an ordinary, empty folder of its parent's disk) or a folder
// replaced by another from the same folder whose files merely went.
struct RootIdentity {
    quint64 device = 0;
    quint64 inode = 0; // 0: unknown (file systems and platforms without inodes)
    bool mountPoint = false;
    qint64 files = 0; // files found by the last complete walk
    QDateTime seen;   // when that walk was

    // Same device and inode, and still (or still not) a mount point.
    bool sameFolderAs(const RootIdentity& recorded) const;
    // One line for people: "device 8:1, inode 1234, a mount point".
    QString describe() const;
};

// The state of a folder right now.
struct RootProbe {
    enum class State { Missing, NotAFolder, Unreadable, Folder };
    State state = State::Missing;
    QString error;         // Unreadable: the system's reason
    RootIdentity identity; // Folder and Unreadable: device, inode, mount point

    static RootProbe of(const QString& path);
};

// The identities of this machine's watched folders, kept in its Quiver settings
// (import/rootIdentities, a JSON object by path): they describe local disks, so they are never
// stored in the shared database. Not thread-safe: one per thread, like QSettings.
class RootIdentityStore {
public:
    explicit RootIdentityStore(QSettings& settings);

    std::optional<RootIdentity> find(const QString& root) const;
    void save(const QString& root, const RootIdentity& identity);
    void forget(const QString& root);

    static QString key() { return QStringLiteral("import/rootIdentities"); }

private:
    QSettings& m_settings;
};

} // namespace quiver
