#pragma once

#include "core/map/collection_map.h"
#include "core/map/collection_map_builder.h"
#include "core/session/database_target.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>

namespace quiver {

struct MapOutcome; // a map, or why there is none

// The GUI's handle on the collection map: compute() reads and lays out the map on a pool
// thread with a connection of its own, reporting progress and the answer as signals on the
// caller's thread. A new compute() or cancel() abandons the one in flight (it stops at its next
// check and its answer is dropped); nothing here ever waits for it.
class MapService : public QObject {
    Q_OBJECT
public:
    explicit MapService(QObject* parent = nullptr);
    ~MapService() override;

    void setOptions(const MapBuildOptions& options) { m_options = options; }
    void compute(const DatabaseTarget& target);
    void cancel();
    bool running() const { return m_watcher != nullptr; }

signals:
    void progress(double fraction, const QString& step);
    // map.passages is empty when nothing is embedded yet.
    void ready(std::shared_ptr<const quiver::CollectionMap> map);
    void failed(const QString& message);
    void cancelled();

private:
    using Watcher = QFutureWatcher<std::shared_ptr<const MapOutcome>>;
    // Lets the computation in flight go: it stops at its next check, and nobody hears it.
    void abandon();
    void finish(Watcher* watcher);

    MapBuildOptions m_options;
    Watcher* m_watcher = nullptr;
};

} // namespace quiver
