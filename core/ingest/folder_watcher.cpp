#include "core/ingest/folder_watcher.h"

#include "core/ingest/folder_scanner.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSet>
#include <QTimer>

namespace quiver {

FolderWatcher::FolderWatcher(QObject* parent)
    : QObject(parent)
    , m_watcher(new QFileSystemWatcher(this))
    , m_scanner(new FolderScanner(this))
    , m_rescan(new QTimer(this)) {
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &FolderWatcher::onPathChanged);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &FolderWatcher::onPathChanged);
    connect(m_scanner, &FolderScanner::scanned, this, &FolderWatcher::onScanned);
    connect(m_rescan, &QTimer::timeout, this, &FolderWatcher::rescan);
    setRescanIntervalMs(60000);
}

FolderWatcher::~FolderWatcher() {
    // Walks still running are asked to stop and never waited for; none reports here again.
    delete m_scanner;
}

void FolderWatcher::setRescanIntervalMs(int ms) {
    if (ms <= 0) {
        m_rescan->stop();
        return;
    }
    m_rescan->start(ms);
}

void FolderWatcher::watch(const QString& collection, const QString& root) {
    // Path arithmetic only: nothing here touches the file system.
    const QString clean = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    if (m_folders.contains(clean))
        return;
    Folder f;
    f.collection = collection;
    f.settle = new QTimer(this);
    f.settle->setSingleShot(true);
    connect(f.settle, &QTimer::timeout, this, [this, clean]() { settled(clean); });
    Folder& folder = *m_folders.insert(clean, f);
    startWalk(clean, folder, Look::Baseline);
}

void FolderWatcher::unwatch(const QString& root) {
    const QString clean = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    const auto it = m_folders.find(clean);
    if (it == m_folders.end())
        return;
    if (it->walk != 0)
        m_scanner->cancel(it->walk);
    delete it->settle;
    m_folders.erase(it);
    QStringList under;
    for (const QString& d : m_watcher->directories()) {
        if (d == clean || d.startsWith(clean + QLatin1Char('/')))
            under.append(d);
    }
    if (!under.isEmpty())
        m_watcher->removePaths(under);
}

void FolderWatcher::startWalk(const QString& root, Folder& folder, Look look) {
    folder.walk = m_scanner->scan(root);
    folder.look = look;
    // No thread to be had: a settle check comes round again after another quiet period, the
    // others with the next rescan.
    if (folder.walk == 0 && look == Look::Settle)
        folder.settle->start(m_quietMs);
}

void FolderWatcher::onPathChanged(const QString& path) {
    for (auto it = m_folders.begin(); it != m_folders.end(); ++it) {
        if (path == it.key() || path.startsWith(it.key() + QLatin1Char('/')))
            it->settle->start(m_quietMs); // restarts: fires only once things are quiet
    }
}

void FolderWatcher::rescan() {
    for (auto it = m_folders.begin(); it != m_folders.end(); ++it) {
        // A walk still running (a slow or dead mount) is not doubled; one settling will look.
        if (it->walk != 0 || it->settle->isActive())
            continue;
        startWalk(it.key(), *it, it->known ? Look::Rescan : Look::Baseline);
    }
}

void FolderWatcher::settled(const QString& root) {
    const auto it = m_folders.find(root);
    if (it == m_folders.end())
        return;
    if (it->walk != 0) {
        it->settleAgain = true; // looked at once the running walk has ended
        return;
    }
    startWalk(root, *it, Look::Settle);
}

void FolderWatcher::onScanned(quint64 id, const QString& root,
                              const FolderFingerprint& fingerprint) {
    const auto it = m_folders.find(root);
    if (it == m_folders.end() || it->walk != id)
        return; // unwatched (and perhaps watched again) since the walk began
    it->walk = 0;
    judge(root, *it, fingerprint);
    // judge() may have emitted: a receiver may have unwatched the root.
    const auto again = m_folders.find(root);
    if (again != m_folders.end() && again->settleAgain && again->walk == 0) {
        again->settleAgain = false;
        startWalk(root, *again, Look::Settle);
    }
    emit folderScanned(root);
}

void FolderWatcher::judge(const QString& root, Folder& folder,
                          const FolderFingerprint& fingerprint) {
    const QByteArray& now = fingerprint.hash;
    if (!folder.known || folder.look == Look::Baseline) {
        folder.fingerprint = now;
        folder.known = true;
        addWatches(fingerprint.dirs);
        return;
    }
    if (folder.look == Look::Rescan) {
        if (now != folder.fingerprint && !folder.settle->isActive())
            folder.settle->start(m_quietMs);
        return;
    }
    if (now == folder.fingerprint) {
        folder.pending.clear();
        return; // touched and restored, or only an event without a change
    }
    if (now != folder.pending) {
        // Still changing (appends to a file raise no folder event): look again after another
        // quiet period, and report only once two looks agree.
        folder.pending = now;
        folder.settle->start(m_quietMs);
        return;
    }
    folder.pending.clear();
    folder.fingerprint = now;
    addWatches(fingerprint.dirs);
    emit folderChanged(folder.collection, root);
}

void FolderWatcher::addWatches(const QStringList& dirs) {
    if (!m_useEvents)
        return;
    // New folders appear in the list each time the root settles. A set: a tree of many
    // folders must not cost a quadratic compare on this thread.
    const QStringList watchedList = m_watcher->directories();
    const QSet<QString> watched(watchedList.begin(), watchedList.end());
    QStringList missing;
    for (const QString& d : dirs) {
        if (!watched.contains(d))
            missing.append(d);
    }
    if (!missing.isEmpty())
        m_watcher->addPaths(missing);
}

} // namespace quiver
