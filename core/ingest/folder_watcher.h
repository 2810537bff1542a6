#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

namespace quiver {

class FolderScanner;
struct FolderFingerprint;

// Watches imported folders and says when one has changed and then stayed quiet for a while, so
// a file still being written is read once it has settled. File-system events come from
// QFileSystemWatcher; a periodic rescan (comparing sizes and times) catches what network and
// FUSE file systems never report. Lives on the thread that creates it (the GUI's) but never
// walks a tree there: walks run on threads of their own (FolderScanner), one per root at a
// time, and their results come back as events. A root on a dead mount keeps its walk waiting
// and is not looked at again until that walk returns; the other roots, the window and quitting
// carry on.
class FolderWatcher : public QObject {
    Q_OBJECT
public:
    explicit FolderWatcher(QObject* parent = nullptr);
    ~FolderWatcher() override;

    void setQuietPeriodMs(int ms) { m_quietMs = ms; }
    void setRescanIntervalMs(int ms); // 0: no periodic rescan
    void setUseFileSystemEvents(bool on) { m_useEvents = on; }

    // Returns at once: what later changes are measured against is taken by a walk in the
    // background (folderScanned() says when it is done).
    void watch(const QString& collection, const QString& root);
    void unwatch(const QString& root);
    QStringList roots() const { return m_folders.keys(); }

signals:
    // Something under root changed (added, modified, removed) and has been quiet since.
    void folderChanged(const QString& collection, const QString& root);
    // A walk of root has ended. The first after watch() sets what changes are measured against.
    void folderScanned(const QString& root);

private:
    // Why a walk was asked for: it decides what its result means.
    enum class Look { Baseline, Rescan, Settle };
    struct Folder {
        QString collection;
        QByteArray fingerprint; // as last reported (or first seen)
        bool known = false;     // fingerprint has been taken
        QByteArray pending;     // as seen at the last check, while changes go on
        QTimer* settle = nullptr;
        quint64 walk = 0; // the walk in progress, 0 when none
        Look look = Look::Baseline;
        bool settleAgain = false; // the quiet period ended while another walk was running
    };
    void onPathChanged(const QString& path);
    void rescan();
    void settled(const QString& root);
    void startWalk(const QString& root, Folder& folder, Look look);
    void onScanned(quint64 id, const QString& root, const FolderFingerprint& fingerprint);
    void judge(const QString& root, Folder& folder, const FolderFingerprint& fingerprint);
    void addWatches(const QStringList& dirs);

    QHash<QString, Folder> m_folders;
    QFileSystemWatcher* m_watcher = nullptr;
    FolderScanner* m_scanner = nullptr;
    QTimer* m_rescan = nullptr;
    int m_quietMs = 2000;
    bool m_useEvents = true;
};

} // namespace quiver
