#pragma once

#include "core/ingest/folder_fingerprint.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace quiver {

// Fingerprints folders on threads of their own and hands each result back on this object's
// thread, as scanned(). Nothing here ever waits for a walk: one stuck in a system call (a dead
// network mount) keeps its thread to itself while this object's thread, its destruction and
// quitting go on. cancel() and the destructor ask walks to stop at their next entry; a walk that
// ends after its scanner is gone reports to no one and frees what it used.
class FolderScanner : public QObject {
    Q_OBJECT
public:
    explicit FolderScanner(QObject* parent = nullptr);
    ~FolderScanner() override;

    // Starts fingerprinting root and returns the walk's id, or 0 when no thread could be
    // started (the system is out of them: the caller tries again later).
    quint64 scan(const QString& root);
    // The walk stops early and is not reported.
    void cancel(quint64 id);
    // Walks of this process whose thread has not ended, cancelled ones included.
    static int walksRunning();

signals:
    // Only complete walks are reported.
    void scanned(quint64 id, const QString& root, const quiver::FolderFingerprint& fingerprint);

private:
    class Link;
    void deliver(quint64 id, const QString& root, const FolderFingerprint& fingerprint);

    std::shared_ptr<Link> m_link;
    QHash<quint64, std::shared_ptr<std::atomic<bool>>> m_stops;
    quint64 m_nextId = 1;
};

} // namespace quiver
