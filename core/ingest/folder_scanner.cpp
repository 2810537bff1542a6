#include "core/ingest/folder_scanner.h"

#include <mutex>
#include <system_error>
#include <thread>

namespace quiver {

namespace {
std::atomic<int> g_walksRunning{0};
} // namespace

// The walks' way back to their scanner: cut, under the mutex, when the scanner goes, so a walk
// posts its result only while the scanner exists (and Qt drops a posted result whose receiver
// is destroyed before it runs).
class FolderScanner::Link {
public:
    std::mutex mutex; // not QMutex: ThreadSanitizer sees this one
    FolderScanner* scanner = nullptr;
};

FolderScanner::FolderScanner(QObject* parent)
    : QObject(parent)
    , m_link(std::make_shared<Link>()) {
    m_link->scanner = this;
}

FolderScanner::~FolderScanner() {
    {
        std::lock_guard lock(m_link->mutex);
        m_link->scanner = nullptr;
    }
    for (const auto& stop : std::as_const(m_stops))
        stop->store(true);
}

int FolderScanner::walksRunning() {
    return g_walksRunning.load();
}

quint64 FolderScanner::scan(const QString& root) {
    const quint64 id = m_nextId++;
    auto stop = std::make_shared<std::atomic<bool>>(false);
    g_walksRunning.fetch_add(1);
    try {
        // Detached: whoever would join it might wait for good. The thread holds what it uses.
        std::thread([link = m_link, stop, path = root, id]() mutable {
            {
                const FolderFingerprint fingerprint = fingerprintFolder(path, *stop);
                std::lock_guard lock(link->mutex);
                FolderScanner* scanner = link->scanner;
                if (fingerprint.complete && scanner) {
                    QMetaObject::invokeMethod(
                        scanner,
                        [scanner, id, path, fingerprint]() {
                            scanner->deliver(id, path, fingerprint);
                        },
                        Qt::QueuedConnection);
                }
            }
            // Counted as ended once nothing of it is left to free.
            link.reset();
            stop.reset();
            path.clear();
            g_walksRunning.fetch_sub(1);
        }).detach();
    } catch (const std::system_error& e) {
        g_walksRunning.fetch_sub(1);
        qWarning("Could not start a thread to look through a watched folder: %s", e.what());
        return 0;
    }
    m_stops.insert(id, stop);
    return id;
}

void FolderScanner::cancel(quint64 id) {
    if (const auto stop = m_stops.take(id))
        stop->store(true);
}

void FolderScanner::deliver(quint64 id, const QString& root, const FolderFingerprint& fingerprint) {
    if (!m_stops.remove(id))
        return; // cancelled after the walk had ended
    emit scanned(id, root, fingerprint);
}

} // namespace quiver
