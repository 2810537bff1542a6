#include "core/ingest/folder_watcher.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace quiver {

FolderWatcher::FolderWatcher(QObject* parent)
    : QObject(parent)
    , m_watcher(new QFileSystemWatcher(this))
    , m_rescan(new QTimer(this)) {
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &FolderWatcher::onPathChanged);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &FolderWatcher::onPathChanged);
    connect(m_rescan, &QTimer::timeout, this, &FolderWatcher::rescan);
    setRescanIntervalMs(60000);
}

FolderWatcher::~FolderWatcher() = default;

void FolderWatcher::setRescanIntervalMs(int ms) {
    if (ms <= 0) {
        m_rescan->stop();
        return;
    }
    m_rescan->start(ms);
}

QByteArray FolderWatcher::fingerprintOf(const QString& root, QStringList* dirs) {
    // Names, sizes and modification times of everything visible below root.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    QStringList entries;
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (info.isDir()) {
            if (dirs)
                dirs->append(info.absoluteFilePath());
            continue;
        }
        entries.append(QStringLiteral("%1\t%2\t%3")
                           .arg(info.absoluteFilePath())
                           .arg(info.size())
                           .arg(info.lastModified().toMSecsSinceEpoch()));
    }
    entries.sort();
    for (const QString& e : std::as_const(entries))
        hash.addData(e.toUtf8());
    return hash.result();
}

void FolderWatcher::addWatches(const QString& root) {
    if (!m_useEvents)
        return;
    QStringList dirs{root};
    m_folders[root].fingerprint = fingerprintOf(root, &dirs);
    // New folders appear in the list each time the root settles.
    const QStringList watched = m_watcher->directories();
    QStringList missing;
    for (const QString& d : std::as_const(dirs)) {
        if (!watched.contains(d))
            missing.append(d);
    }
    if (!missing.isEmpty())
        m_watcher->addPaths(missing);
}

void FolderWatcher::watch(const QString& collection, const QString& root) {
    const QString clean = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    if (m_folders.contains(clean))
        return;
    Folder f;
    f.collection = collection;
    f.settle = new QTimer(this);
    f.settle->setSingleShot(true);
    connect(f.settle, &QTimer::timeout, this, [this, clean]() { settled(clean); });
    f.fingerprint = fingerprintOf(clean, nullptr);
    m_folders.insert(clean, f);
    addWatches(clean);
}

void FolderWatcher::unwatch(const QString& root) {
    const QString clean = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
    const auto it = m_folders.find(clean);
    if (it == m_folders.end())
        return;
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

void FolderWatcher::onPathChanged(const QString& path) {
    for (auto it = m_folders.begin(); it != m_folders.end(); ++it) {
        if (path == it.key() || path.startsWith(it.key() + QLatin1Char('/')))
            it->settle->start(m_quietMs); // restarts: fires only once things are quiet
    }
}

void FolderWatcher::rescan() {
    for (auto it = m_folders.begin(); it != m_folders.end(); ++it) {
        if (fingerprintOf(it.key(), nullptr) != it->fingerprint && !it->settle->isActive())
            it->settle->start(m_quietMs);
    }
}

void FolderWatcher::settled(const QString& root) {
    const auto it = m_folders.find(root);
    if (it == m_folders.end())
        return;
    const QByteArray now = fingerprintOf(root, nullptr);
    if (now == it->fingerprint) {
        it->pending.clear();
        return; // touched and restored, or only an event without a change
    }
    if (now != it->pending) {
        // Still changing (appends to a file raise no folder event): look again after another
        // quiet period, and report only once two looks agree.
        it->pending = now;
        it->settle->start(m_quietMs);
        return;
    }
    it->pending.clear();
    it->fingerprint = now;
    addWatches(root);
    emit folderChanged(it->collection, root);
}

} // namespace quiver
