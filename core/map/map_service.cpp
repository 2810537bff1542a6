#include "core/map/map_service.h"

#include "core/map/map_layout.h"
#include "core/session/database_opener.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace quiver {

struct MapOutcome {
    std::shared_ptr<const CollectionMap> map;
    QString error;
};

namespace {

constexpr int kProgressSteps = 1000;

void computeMap(QPromise<std::shared_ptr<const MapOutcome>>& promise, const DatabaseTarget& target,
                const MapBuildOptions& options);

} // namespace

MapService::MapService(QObject* parent)
    : QObject(parent) {}

MapService::~MapService() {
    abandon();
}

void MapService::abandon() {
    if (!m_watcher)
        return;
    m_watcher->disconnect(this);
    m_watcher->cancel();
    m_watcher->deleteLater();
    m_watcher = nullptr;
}

void MapService::cancel() {
    if (!m_watcher)
        return;
    abandon();
    emit cancelled();
}

void MapService::compute(const DatabaseTarget& target) {
    abandon();
    auto* watcher = new Watcher(this);
    m_watcher = watcher;
    connect(watcher, &Watcher::progressValueChanged, this, [this, watcher](int value) {
        emit progress(static_cast<double>(value) / kProgressSteps, watcher->progressText());
    });
    connect(watcher, &Watcher::finished, this, [this, watcher]() { finish(watcher); });
    watcher->setFuture(QtConcurrent::run(
        [target, options = m_options](QPromise<std::shared_ptr<const MapOutcome>>& promise) {
            computeMap(promise, target, options);
        }));
}

void MapService::finish(Watcher* watcher) {
    watcher->deleteLater();
    if (watcher != m_watcher)
        return;
    m_watcher = nullptr;
    if (watcher->isCanceled() || watcher->future().resultCount() == 0) {
        emit cancelled();
        return;
    }
    const std::shared_ptr<const MapOutcome> outcome = watcher->result();
    if (!outcome->error.isEmpty())
        emit failed(outcome->error);
    else
        emit ready(outcome->map);
}

namespace {

void computeMap(QPromise<std::shared_ptr<const MapOutcome>>& promise, const DatabaseTarget& target,
                const MapBuildOptions& options) {
    promise.setProgressRange(0, kProgressSteps);
    auto outcome = std::make_shared<MapOutcome>();
    DatabaseOpener opener;
    try {
        PgConnection conn = opener.open(target);
        CollectionMapBuilder builder(
            [&promise](double fraction, const QString& step) {
                promise.setProgressValueAndText(static_cast<int>(fraction * kProgressSteps), step);
            },
            [&promise]() { return promise.isCanceled(); });
        outcome->map = std::make_shared<const CollectionMap>(builder.build(conn, options));
    } catch (const map::MapCancelled&) {
        opener.release();
        return;
    } catch (const std::exception& e) {
        outcome->error = QObject::tr("The map could not be drawn: %1").arg(userMessageFor(e));
    }
    opener.release();
    promise.addResult(std::shared_ptr<const MapOutcome>(outcome));
}

} // namespace

} // namespace quiver
