#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

namespace quiver {

// Watches imported folders and says when one has changed and then stayed quiet for a while, so
// a file still being written is read once it has settled. File-system events come from
// QFileSystemWatcher; a periodic rescan (comparing sizes and times) catches what network and
// FUSE file systems never report. Lives on the thread that creates it; walks are cheap (stat).
class FolderWatcher : public QObject {
    Q_OBJECT
public:
    explicit FolderWatcher(QObject* parent = nullptr);
    ~FolderWatcher() override;

    void setQuietPeriodMs(int ms) { m_quietMs = ms; }
    void setRescanIntervalMs(int ms); // 0: no periodic rescan
    void setUseFileSystemEvents(bool on) { m_useEvents = on; }

    void watch(const QString& collection, const QString& root);
    void unwatch(const QString& root);
    QStringList roots() const { return m_folders.keys(); }

signals:
    // Something under root changed (added, modified, removed) and has been quiet since.
    void folderChanged(const QString& collection, const QString& root);

private:
    struct Folder {
        QString collection;
        QByteArray fingerprint; // as last reported
        QByteArray pending;     // as seen at the last check, while changes go on
        QTimer* settle = nullptr;
    };
    void onPathChanged(const QString& path);
    void rescan();
    void settled(const QString& root);
    void addWatches(const QString& root);
    static QByteArray fingerprintOf(const QString& root, QStringList* dirs);

    QHash<QString, Folder> m_folders;
    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_rescan = nullptr;
    int m_quietMs = 2000;
    bool m_useEvents = true;
};

} // namespace quiver
