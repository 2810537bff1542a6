#include "core/search/search_index.h"

#include "core/db/file_lock.h"
#include "core/db/pg_connection.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/disk_index_merger.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/distance.h"
#include "core/diskann/vamana_index.h"
#include "core/search/embedding_source.h"
#include "core/search/index_manifest.h"
#include "core/search/log_pruner.h"
#include "core/util/app_paths.h"
#include "core/util/file_in_use.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_set>

Q_LOGGING_CATEGORY(lcSearchIndex, "quiver.search.index")

namespace quiver {

using diskann::DiskIndex;
using diskann::Metric;
using diskann::VamanaIndex;

struct SearchIndex::State {
    FileInUse baseInUse;             // keeps other processes from removing the base file
    std::shared_ptr<DiskIndex> base; // null: exact mode, everything is in delta
    std::unique_ptr<VamanaIndex> delta;
    std::unordered_set<std::uint64_t> mask; // base entries deleted or rewritten since the base
    int dimensions = 0;
    std::uint64_t syncWatermark = 0;
    QDateTime lastSync;
    IndexManifest manifest; // meaningful when base is set
    QString basePath;
    QString lastMerge; // how this state's base came from a merge, if it did
    // Chunks whose stored vector is left out: not of the model's length. A set, since a sync
    // may read a change again that the build or an earlier sync already saw.
    std::unordered_set<std::uint64_t> skipped;
};

struct SearchIndex::MergeInput {
    QString basePath;
    IndexManifest manifest;
    std::uint64_t watermark = 0;
    std::uint32_t dimension = 0;
    std::vector<float> vectors; // dimension floats per point (unit length)
    std::vector<std::uint64_t> ids;
    std::vector<std::vector<std::uint32_t>> labels; // per point (passageLabels)
    std::unordered_set<std::uint64_t> deleted;
    std::unordered_set<std::uint64_t> skipped;
};

struct SearchIndex::Sync {
    mutable std::shared_mutex state; // guards m_state and what it points at
    std::mutex serial;               // one open/rebuild/sync/merge-swap at a time
    std::thread merger;
    std::atomic<bool> merging{false};
    std::atomic<bool> stopping{false};
    std::atomic<bool> damaged{false}; // a search read a damaged node: rebuild at the next sync
    QString opened;
    LogPruner pruner{QStringLiteral("embedding deletion")};
};

namespace {

// True when the deletion log has lost rows this index has not read: rows at or above its
// watermark were pruned.
bool missedPrunedDeletions(PgConnection& conn, std::uint64_t watermark) {
    const std::optional<std::uint64_t> pruned = EmbeddingSource::prunedDeletionsThrough(conn);
    return pruned && *pruned >= watermark;
}

// Waits for the lock one process (or merge thread) at a time holds while it writes an index's
// files: its base, its manifest, and the removal of bases nobody uses any more. Polled, so that
// keepWaiting (a cancelled open, a closing index) ends the wait on another process's long build.
bool lockIndexFiles(FileLock& lock, const QString& path, const std::function<bool()>& keepWaiting) {
    QString error;
    for (;;) {
        switch (lock.acquire(path, false, &error)) {
        case FileLock::Result::Locked:
            return true;
        case FileLock::Result::Error:
            throw std::runtime_error(
                QStringLiteral("cannot lock %1: %2").arg(path, error).toStdString());
        case FileLock::Result::Busy:
            break;
        }
        if (!keepWaiting())
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

SearchIndex::SearchIndex(QString model, SearchIndexOptions options)
    : m_model(std::move(model))
    , m_options(std::move(options))
    , m_sync(std::make_unique<Sync>()) {}

SearchIndex::~SearchIndex() {
    m_sync->stopping = true;
    if (m_sync->merger.joinable())
        m_sync->merger.join();
}

QString SearchIndex::directory() const {
    return m_options.directory.isEmpty() ? appCacheDir() + QStringLiteral("/indexes")
                                         : m_options.directory;
}

QString SearchIndex::manifestPath() const {
    return directory() + QLatin1Char('/') + m_key + QStringLiteral(".json");
}

QString SearchIndex::freshBaseName(std::uint64_t watermark) const {
    // Never an existing name: the base that searches (here or in another process) are using is
    // not replaced underneath them. Called with the files lock held.
    const QDir dir(directory());
    QString name = QStringLiteral("%1-%2.qdx").arg(m_key).arg(watermark);
    for (int n = 1; dir.exists(name); ++n)
        name = QStringLiteral("%1-%2-%3.qdx").arg(m_key).arg(watermark).arg(n);
    return name;
}

QString SearchIndex::lockPath(const QString& key) const {
    return directory() + QLatin1Char('/') + key + QStringLiteral(".lock");
}

QString SearchIndex::keyFor(PgConnection& conn, DatabaseIdentity* identity) const {
    *identity = DatabaseIdentity::read(conn);
    if (!makePrivateFolder(directory()))
        throw std::runtime_error(
            QStringLiteral("cannot create the index folder %1").arg(directory()).toStdString());
    return identity->indexKey(m_model);
}

std::unique_ptr<SearchIndex::State> SearchIndex::buildFromDatabase(PgConnection& conn,
                                                                   const Progress& progress) {
    const auto report = [&](double f, const QString& step) {
        if (m_sync->stopping)
            return false;
        return !progress || progress(f, step);
    };
    auto st = std::make_unique<State>();
    // Rows by vector length: one model's vectors should all have one, but what is stored must
    // never keep the index from being built, so the most common length wins and the others
    // are left out (and counted).
    struct Rows {
        std::vector<float> flat;
        std::vector<std::uint64_t> ids;
        std::vector<std::vector<std::uint32_t>> labels;
    };
    std::map<std::size_t, Rows> byLength;
    std::unordered_set<std::uint64_t> unusable;
    const auto watermark = EmbeddingSource::readAll(
        conn, m_model,
        [&](const PassageKeys& keys, const std::vector<float>& v) {
            if (v.empty()) {
                unusable.insert(static_cast<std::uint64_t>(keys.chunkId));
                return;
            }
            Rows& rows = byLength[v.size()];
            rows.flat.insert(rows.flat.end(), v.begin(), v.end());
            rows.ids.push_back(static_cast<std::uint64_t>(keys.chunkId));
            rows.labels.push_back(passageLabels(keys));
        },
        [&](qint64 done, qint64 total) {
            return report(0.4 * static_cast<double>(done) /
                              static_cast<double>(std::max<qint64>(total, 1)),
                          QStringLiteral("Reading vectors (%1 of %2)").arg(done).arg(total));
        });
    if (!watermark)
        throw IndexCancelled();
    st->syncWatermark = *watermark;
    st->lastSync = QDateTime::currentDateTimeUtc();
    auto chosen = byLength.end();
    for (auto it = byLength.begin(); it != byLength.end(); ++it) {
        if (chosen == byLength.end() || it->second.ids.size() > chosen->second.ids.size())
            chosen = it;
    }
    std::vector<float> flat;
    std::vector<std::uint64_t> ids;
    std::vector<std::vector<std::uint32_t>> labels;
    st->skipped = std::move(unusable);
    if (chosen != byLength.end()) {
        st->dimensions = static_cast<int>(chosen->first);
        flat = std::move(chosen->second.flat);
        ids = std::move(chosen->second.ids);
        labels = std::move(chosen->second.labels);
        for (const auto& [length, rows] : byLength) {
            if (length != chosen->first)
                st->skipped.insert(rows.ids.begin(), rows.ids.end());
        }
    }
    byLength.clear();
    if (!st->skipped.empty())
        qCWarning(lcSearchIndex).noquote()
            << "left" << st->skipped.size() << "stored vectors of model" << m_model
            << "out of its index: their length is not the" << st->dimensions
            << "of the others. Delete them and embed their chunks again";
    if (ids.empty())
        return st;

    const diskann::BuildParams params = graphParams();
    auto graph = std::make_unique<VamanaIndex>(Metric::Cosine,
                                               static_cast<std::uint32_t>(st->dimensions), params);
    diskann::BuildControl control;
    control.progress = [&](double f) {
        return report(0.4 + 0.4 * f, QStringLiteral("Building graph"));
    };
    if (graph->build(flat, ids, labels, control) == diskann::BuildStatus::Cancelled)
        throw IndexCancelled();
    flat = {};
    labels = {};
    if (ids.size() < m_options.exactBelow) {
        st->delta = std::move(graph);
        report(1.0, QStringLiteral("Ready"));
        return st;
    }

    const QString fileName = freshBaseName(*watermark);
    const QString path = directory() + QLatin1Char('/') + fileName;
    diskann::DiskIndexBuildOptions write;
    write.threads = params.threads;
    write.cacheNodes = m_options.cacheNodes;
    bool cancelled = false;
    write.progress = [&](double f) {
        cancelled = !report(0.8 + 0.2 * f, QStringLiteral("Writing index file"));
        return !cancelled;
    };
    try {
        diskann::writeDiskIndex(QFile::encodeName(path).toStdString(), graph->graphView(), write);
    } catch (const diskann::DiskIndexError&) {
        if (cancelled)
            throw IndexCancelled();
        throw;
    }
    graph.reset();
    st->baseInUse = FileInUse(path);
    st->base = DiskIndex::open(QFile::encodeName(path).toStdString());
    st->basePath = path;
    st->manifest.database = m_identity;
    st->manifest.model = m_model;
    st->manifest.dimensions = st->dimensions;
    st->manifest.watermark = *watermark;
    st->manifest.baseFile = fileName;
    st->manifest.vectors = ids.size();
    st->manifest.fileBytes = st->base->fileBytes();
    st->manifest.builtAt = QDateTime::currentDateTimeUtc();
    st->manifest.save(manifestPath());
    st->delta = std::make_unique<VamanaIndex>(Metric::Cosine,
                                              static_cast<std::uint32_t>(st->dimensions), params);
    report(1.0, QStringLiteral("Ready"));
    return st;
}

void SearchIndex::install(std::unique_ptr<State> next) {
    std::unique_ptr<State> old;
    {
        const std::unique_lock lock(m_sync->state);
        old = std::exchange(m_state, std::move(next));
    }
    // The old base closes here, after the last search using it has let go of the lock.
    old.reset();
    removeStaleFiles(m_state->base ? QFileInfo(m_state->basePath).fileName() : QString());
}

void SearchIndex::removeStaleFiles(const QString& keep) const {
    // Called with the files lock held. Another process may use an older base (it holds it in
    // use) or may have written the one the manifest names: both stay.
    QString named;
    try {
        if (QFile::exists(manifestPath()))
            named = IndexManifest::load(manifestPath()).baseFile;
    } catch (const std::exception&) {
        named.clear(); // unreadable: rewritten by the next build
    }
    const QDir dir(directory());
    const QStringList files =
        dir.entryList({m_key + QStringLiteral("-*.qdx")}, QDir::Files | QDir::NoDotAndDotDot);
    for (const QString& f : files) {
        if (f != keep && f != named)
            FileInUse::removeIfUnused(dir.filePath(f));
    }
    // In exact mode no base is needed: the manifest goes with the base it names, unless another
    // process still searches that base.
    if (keep.isEmpty() && (named.isEmpty() || FileInUse::removeIfUnused(dir.filePath(named))))
        QFile::remove(manifestPath());
}

std::size_t SearchIndex::applyChanges(State& st, PgConnection& conn) {
    EmbeddingChanges changes = EmbeddingSource::readChanges(conn, m_model, st.syncWatermark);
    const std::unique_lock lock(m_sync->state);
    const diskann::BuildParams params = graphParams();
    for (const qint64 id : changes.deleted) {
        const auto key = static_cast<std::uint64_t>(id);
        if (st.base)
            st.mask.insert(key);
        if (st.delta)
            st.delta->remove(key);
        st.skipped.erase(key);
    }
    for (const IndexedVector& row : changes.upserts) {
        if (st.dimensions == 0)
            st.dimensions = static_cast<int>(row.vector.size());
        const auto key = static_cast<std::uint64_t>(row.keys.chunkId);
        if (row.vector.empty() || static_cast<int>(row.vector.size()) != st.dimensions) {
            // Left out and counted, never a reason to stop: an older copy of the row is hidden,
            // since the chunk's embedding is now this one.
            if (st.base)
                st.mask.insert(key);
            if (st.delta)
                st.delta->remove(key);
            if (st.skipped.insert(key).second)
                qCWarning(lcSearchIndex).noquote()
                    << "left the embedding of chunk" << row.keys.chunkId << "out of the index of"
                    << m_model << "- it has" << row.vector.size() << "dimensions, not"
                    << st.dimensions;
            continue;
        }
        if (!st.delta)
            st.delta = std::make_unique<VamanaIndex>(
                Metric::Cosine, static_cast<std::uint32_t>(st.dimensions), params);
        // The row may be new, rewritten, or moved to another collection: the delta's copy (with
        // its labels as they are now) is the current one, the base's is hidden.
        if (st.base)
            st.mask.insert(key);
        st.delta->remove(key);
        st.skipped.erase(key);
        st.delta->insert(key, row.vector, passageLabels(row.keys));
    }
    if (st.delta && st.delta->pendingDeletes() > 256 &&
        st.delta->pendingDeletes() > st.delta->size() / 4)
        st.delta->consolidate();
    st.syncWatermark = changes.watermark;
    st.lastSync = QDateTime::currentDateTimeUtc();
    return changes.deleted.size() + changes.upserts.size();
}

std::unique_ptr<SearchIndex::State> SearchIndex::loadFromDisk(PgConnection& conn, QString* reason,
                                                              const QString& notThisBase) {
    if (!QFile::exists(manifestPath()))
        return nullptr;
    try {
        const IndexManifest m = IndexManifest::load(manifestPath());
        if (!(m.database == m_identity) || m.model != m_model)
            throw std::runtime_error("it was made for another database or model");
        if (!notThisBase.isEmpty() && m.baseFile == notThisBase)
            throw std::runtime_error("a search found its base file damaged");
        const QString path = directory() + QLatin1Char('/') + m.baseFile;
        if (!QFile::exists(path))
            throw std::runtime_error("its base file is missing");
        auto st = std::make_unique<State>();
        st->baseInUse = FileInUse(path);
        auto base = DiskIndex::open(QFile::encodeName(path).toStdString(),
                                    m_options.cacheNodes
                                        ? diskann::DiskIndexOpenOptions{m_options.cacheNodes}
                                        : diskann::DiskIndexOpenOptions{});
        const diskann::IndexInfo info = base->info();
        if (info.metric != Metric::Cosine ||
            info.dimension != static_cast<std::uint32_t>(m.dimensions) || info.count != m.vectors ||
            base->fileBytes() != m.fileBytes)
            throw std::runtime_error("its base file does not match its manifest");
        // Opening checks the header and the sections; node records are only checked as they
        // are read. A file of moderate size is read once completely, so a damaged one is
        // rebuilt now rather than found out by a search.
        if (m.fileBytes <= m_options.verifyOnOpenBelow) {
            const diskann::VerifyReport report = base->verify();
            if (!report.ok())
                throw std::runtime_error("its base file is damaged (" +
                                         (report.problems.empty() ? std::string("unreadable")
                                                                  : report.problems.front()) +
                                         ")");
        }
        if (m.watermark > EmbeddingSource::currentXmax(conn))
            throw std::runtime_error(
                "it is newer than the database (was the database restored from a backup?)");
        if (missedPrunedDeletions(conn, m.watermark))
            throw std::runtime_error(
                "it was last brought up to date before the oldest deletions the database "
                "still records");
        st->base = std::move(base);
        st->basePath = path;
        st->dimensions = m.dimensions;
        st->syncWatermark = m.watermark;
        st->manifest = m;
        const diskann::BuildParams params = graphParams();
        st->delta = std::make_unique<VamanaIndex>(Metric::Cosine,
                                                  static_cast<std::uint32_t>(m.dimensions), params);
        return st;
    } catch (const std::exception& e) {
        *reason = QString::fromUtf8(e.what());
        return nullptr;
    }
}

std::unique_ptr<SearchIndex::State> SearchIndex::newerBaseOnDisk(PgConnection& conn,
                                                                 const IndexManifest& current) {
    try {
        if (!QFile::exists(manifestPath()))
            return nullptr;
        const IndexManifest m = IndexManifest::load(manifestPath());
        if (m.baseFile == current.baseFile || m.watermark <= current.watermark)
            return nullptr;
    } catch (const std::exception&) {
        return nullptr;
    }
    QString reason;
    auto st = loadFromDisk(conn, &reason, {});
    if (st)
        st->lastMerge = QStringLiteral("loaded the base another process wrote");
    return st;
}

void SearchIndex::waitForFiles(FileLock& files, const QString& key, const Progress& progress) {
    const QString waiting = QStringLiteral("Waiting for another Quiver program to finish this "
                                           "index");
    if (!lockIndexFiles(files, lockPath(key),
                        [&] { return !m_sync->stopping && (!progress || progress(0, waiting)); }))
        throw IndexCancelled();
}

void SearchIndex::open(PgConnection& conn, const Progress& progress) {
    DatabaseIdentity identity;
    const QString key = keyFor(conn, &identity);
    // Another process building this index is waited for, and its result loaded, rather than
    // both building it and each removing the other's files.
    FileLock files;
    waitForFiles(files, key, progress);
    const std::lock_guard serial(m_sync->serial);
    m_identity = identity;
    m_key = key;

    QString reason;
    std::unique_ptr<State> st = loadFromDisk(conn, &reason, {});
    if (st) {
        m_sync->opened = QStringLiteral("loaded");
    } else {
        if (!reason.isEmpty())
            qCWarning(lcSearchIndex).noquote()
                << "rebuilding the index of" << m_model << "from the database:" << reason;
        st = buildFromDatabase(conn, progress);
        m_sync->opened =
            reason.isEmpty() ? QStringLiteral("built") : QStringLiteral("rebuilt: ") + reason;
    }
    applyChanges(*st, conn);
    install(std::move(st));
}

void SearchIndex::rebuild(PgConnection& conn, const Progress& progress) {
    DatabaseIdentity identity;
    const QString key = keyFor(conn, &identity);
    FileLock files;
    waitForFiles(files, key, progress);
    const std::lock_guard serial(m_sync->serial);
    m_identity = identity;
    m_key = key;
    auto st = buildFromDatabase(conn, progress);
    applyChanges(*st, conn);
    install(std::move(st));
    m_sync->opened = QStringLiteral("rebuilt on request");
}

bool SearchIndex::mergeDue() const {
    const std::shared_lock lock(m_sync->state);
    if (!m_state || !m_state->delta || m_sync->merging)
        return false;
    if (!m_state->base)
        return m_state->delta->size() >= m_options.exactBelow;
    const std::size_t changes = m_state->delta->size() + m_state->mask.size();
    const std::size_t baseCount = m_state->base->info().count;
    return changes >= std::max(m_options.mergeAbove, baseCount / 10);
}

std::shared_ptr<const SearchIndex::MergeInput> SearchIndex::mergeInput() {
    {
        // The view below needs a delta without tombstones.
        const std::unique_lock lock(m_sync->state);
        if (!m_state->base)
            return nullptr;
        if (m_state->delta && m_state->delta->pendingDeletes() > 0)
            m_state->delta->consolidate();
    }
    const std::shared_lock lock(m_sync->state);
    const State& st = *m_state;
    auto in = std::make_shared<MergeInput>();
    in->basePath = st.basePath;
    in->manifest = st.manifest;
    in->watermark = st.syncWatermark;
    in->dimension = static_cast<std::uint32_t>(st.dimensions);
    in->deleted = st.mask;
    in->skipped = st.skipped;
    if (st.delta && st.delta->size() > 0) {
        const diskann::GraphView view = st.delta->graphView();
        in->vectors.reserve(std::size_t{view.count} * view.dimension);
        in->ids.reserve(view.count);
        in->labels.reserve(view.count);
        for (std::uint32_t i = 0; i < view.count; ++i) {
            const float* v = view.vector(i);
            in->vectors.insert(in->vectors.end(), v, v + view.dimension);
            in->ids.push_back(view.externalId(i));
            const auto labels = view.labels(i);
            in->labels.emplace_back(labels.begin(), labels.end());
        }
    }
    return in;
}

std::unique_ptr<SearchIndex::State> SearchIndex::mergedBase(const MergeInput& in) {
    diskann::MergeDelta delta;
    delta.metric = Metric::Cosine;
    delta.dimension = in.dimension;
    delta.count = static_cast<std::uint32_t>(in.ids.size());
    delta.vector = [&in](std::uint32_t i) {
        return in.vectors.data() + std::size_t{i} * in.dimension;
    };
    delta.labels = [&in](std::uint32_t i) { return std::span<const std::uint32_t>(in.labels[i]); };
    delta.externalId = [&in](std::uint32_t i) { return in.ids[i]; };
    diskann::DiskIndexMergeOptions options;
    options.L = m_options.build.buildListSize;
    options.alpha = m_options.build.alpha;
    options.threads = m_options.build.threads;
    options.progress = [this](double) { return !m_sync->stopping.load(); };

    const QString fileName = freshBaseName(in.watermark);
    const QString path = directory() + QLatin1Char('/') + fileName;
    diskann::MergeReport report;
    try {
        report = diskann::mergeDiskIndex(QFile::encodeName(in.basePath).toStdString(),
                                         QFile::encodeName(path).toStdString(), delta, in.deleted,
                                         options);
    } catch (const diskann::DiskIndexError&) {
        if (m_sync->stopping)
            throw IndexCancelled();
        throw;
    }

    auto st = std::make_unique<State>();
    st->baseInUse = FileInUse(path);
    st->base =
        DiskIndex::open(QFile::encodeName(path).toStdString(),
                        m_options.cacheNodes ? diskann::DiskIndexOpenOptions{m_options.cacheNodes}
                                             : diskann::DiskIndexOpenOptions{});
    st->basePath = path;
    st->dimensions = static_cast<int>(in.dimension);
    st->skipped = in.skipped;
    st->syncWatermark = in.watermark;
    st->lastSync = QDateTime::currentDateTimeUtc();
    st->manifest = in.manifest;
    st->manifest.watermark = in.watermark;
    st->manifest.baseFile = fileName;
    st->manifest.vectors = report.count;
    st->manifest.fileBytes = st->base->fileBytes();
    st->manifest.builtAt = QDateTime::currentDateTimeUtc();
    // A recall measured on the old base says nothing about this one.
    st->manifest.recall.reset();
    st->manifest.recallSample = 0;
    st->manifest.recallMeasuredAt = {};
    st->manifest.save(manifestPath());
    const diskann::BuildParams params = graphParams();
    st->delta = std::make_unique<VamanaIndex>(Metric::Cosine, in.dimension, params);
    st->lastMerge = QStringLiteral("streamed: %1 kept, %2 deleted, %3 inserted in %4 s")
                        .arg(report.kept)
                        .arg(report.deleted)
                        .arg(report.inserted)
                        .arg(report.seconds, 0, 'f', 1);
    qCInfo(lcSearchIndex).noquote() << "merged the index of" << m_model << "-" << st->lastMerge;
    return st;
}

void SearchIndex::startMerge(PgConnection& conn) {
    // Taken now, under the serial lock: what the base lacks as of the current watermark.
    const std::shared_ptr<const MergeInput> input = mergeInput();
    // A base another process wrote meanwhile is loaded instead of merging again; else the
    // changes are streamed into a new base, or the index rebuilt when that fails.
    const auto renew = [this, input](PgConnection& c) -> std::unique_ptr<State> {
        if (input) {
            if (auto newer = newerBaseOnDisk(c, input->manifest))
                return newer;
            try {
                return mergedBase(*input);
            } catch (const IndexCancelled&) {
                throw;
            } catch (const std::exception& e) {
                qCWarning(lcSearchIndex).noquote()
                    << "merging the index of" << m_model
                    << "failed, rebuilding it from the database:" << QString::fromUtf8(e.what());
            }
        }
        auto next = buildFromDatabase(c, {});
        next->lastMerge = QStringLiteral("rebuilt from the database");
        return next;
    };
    if (!m_options.connect) {
        // The serial lock is held, so the files lock is only tried (it is always taken first):
        // when another process is writing this index, the merge waits for a later sync.
        FileLock files;
        QString error;
        if (files.acquire(lockPath(m_key), false, &error) != FileLock::Result::Locked)
            return;
        auto next = renew(conn);
        applyChanges(*next, conn);
        install(std::move(next));
        return;
    }
    if (m_sync->merger.joinable())
        m_sync->merger.join();
    m_sync->merging = true;
    m_sync->merger = std::thread([this, renew, lock = lockPath(m_key)]() {
        try {
            FileLock files;
            if (lockIndexFiles(files, lock, [this] { return !m_sync->stopping.load(); })) {
                PgConnection c = m_options.connect();
                auto next = renew(c);
                const std::lock_guard serial(m_sync->serial);
                applyChanges(*next, c);
                install(std::move(next));
            }
        } catch (const std::exception& e) {
            qCWarning(lcSearchIndex).noquote()
                << "merging the index of" << m_model << "failed:" << QString::fromUtf8(e.what());
        }
        m_sync->merging = false;
    });
}

std::size_t SearchIndex::sync(PgConnection& conn) {
    QString renewal;
    QString damagedBase;
    QString key;
    {
        const std::lock_guard serial(m_sync->serial);
        if (!m_state)
            throw std::logic_error("SearchIndex::sync before open");
        key = m_key;
        if (m_sync->damaged.exchange(false)) {
            renewal = QStringLiteral("a search found its base file damaged");
            damagedBase = m_state->manifest.baseFile;
        } else if (missedPrunedDeletions(conn, m_state->syncWatermark)) {
            renewal = QStringLiteral("deletions it had not seen were pruned");
        } else {
            const std::size_t n = applyChanges(*m_state, conn);
            m_sync->pruner.pruneIfDue(
                [&] { EmbeddingSource::pruneDeletionLog(conn, m_options.deletionLogDays); });
            if (mergeDue())
                startMerge(conn);
            return n;
        }
    }
    // Renewed under the files lock, taken before the serial lock as everywhere. When another
    // process holds it, it is renewing this index: a later sync loads what it wrote.
    FileLock files;
    QString error;
    if (files.acquire(lockPath(key), false, &error) != FileLock::Result::Locked) {
        if (!damagedBase.isEmpty())
            m_sync->damaged = true;
        return 0;
    }
    const std::lock_guard serial(m_sync->serial);
    qCWarning(lcSearchIndex).noquote() << "renewing the index of" << m_model << "-" << renewal;
    QString reason;
    std::unique_ptr<State> next = loadFromDisk(conn, &reason, damagedBase);
    // loadFromDisk refuses a damaged base and one older than the pruned deletions: what it loads
    // was written by another program since.
    if (!next)
        next = buildFromDatabase(conn, {});
    applyChanges(*next, conn);
    install(std::move(next));
    m_sync->opened = QStringLiteral("rebuilt: ") + renewal;
    return 0;
}

void SearchIndex::waitForMerge() {
    // Taken under the lock so as not to race with startMerge(); joined outside it, because the
    // merge needs the lock to swap its result in.
    std::thread merger;
    {
        const std::lock_guard serial(m_sync->serial);
        merger = std::move(m_sync->merger);
    }
    if (merger.joinable())
        merger.join();
}

// Labels serve the Search page's filters only: a filtered search walks the whole graph or scans
// the matches, so the build skips Filtered-DiskANN's second search per point.
diskann::BuildParams SearchIndex::graphParams() const {
    diskann::BuildParams params = m_options.build;
    params.exactSearchBelow = m_options.exactBelow;
    params.labelAwareEdges = false;
    return params;
}

std::vector<RankedChunk> SearchIndex::search(std::span<const float> query, int k,
                                             const SearchFilters& filters) const {
    const std::shared_lock lock(m_sync->state);
    if (!m_state || m_state->dimensions == 0 || k <= 0)
        return {};
    const State& st = *m_state;
    if (query.size() != static_cast<std::size_t>(st.dimensions))
        throw std::invalid_argument(QStringLiteral("the query vector has %1 dimensions, the "
                                                   "index of %2 has %3")
                                        .arg(query.size())
                                        .arg(m_model)
                                        .arg(st.dimensions)
                                        .toStdString());
    std::vector<float> q(query.begin(), query.end());
    diskann::normalize(q.data(), q.size());
    const diskann::LabelFilter labels = labelFilterFor(filters);
    const auto kk = static_cast<std::uint32_t>(k);
    const std::uint32_t listSize = std::max(m_options.searchListSize, kk);
    std::vector<diskann::SearchResult> all;
    if (st.base) {
        diskann::SearchFilter filter;
        filter.labels = labels;
        filter.deleted = &st.mask;
        try {
            all = st.base->search(q.data(), kk, listSize, m_options.beamWidth, filter);
        } catch (const diskann::DiskIndexError& e) {
            m_sync->damaged = true;
            throw std::runtime_error(std::string("the search index file is damaged and will be "
                                                 "rebuilt: ") +
                                     e.what());
        }
    }
    if (st.delta && st.delta->size() > 0) {
        const auto more = st.delta->search(q, kk, listSize, labels);
        all.insert(all.end(), more.begin(), more.end());
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.distance < b.distance || (a.distance == b.distance && a.id < b.id);
    });
    std::vector<RankedChunk> out;
    std::unordered_set<std::uint64_t> seen;
    for (const auto& r : all) {
        if (static_cast<int>(out.size()) == k)
            break;
        if (seen.insert(r.id).second)
            out.push_back({static_cast<qint64>(r.id), -static_cast<double>(r.distance)});
    }
    return out;
}

bool SearchIndex::isOpen() const {
    const std::shared_lock lock(m_sync->state);
    return m_state != nullptr;
}

int SearchIndex::dimensions() const {
    const std::shared_lock lock(m_sync->state);
    return m_state ? m_state->dimensions : 0;
}

IndexStatus SearchIndex::status() const {
    IndexStatus s;
    s.model = m_model;
    s.merging = m_sync->merging;
    const std::shared_lock lock(m_sync->state);
    s.opened = m_sync->opened;
    if (!m_state)
        return s;
    const State& st = *m_state;
    s.dimensions = st.dimensions;
    s.skippedVectors = static_cast<qint64>(st.skipped.size());
    s.lastMerge = st.lastMerge;
    s.exact = !st.base;
    s.watermark = st.syncWatermark;
    s.lastSync = st.lastSync;
    if (st.base) {
        s.baseVectors = st.base->info().count;
        s.fileBytes = static_cast<qint64>(st.base->fileBytes());
        s.ramBytes = static_cast<qint64>(st.base->ramBytes());
        s.baseFile = st.basePath;
        s.recall = st.manifest.recall;
        s.recallSample = st.manifest.recallSample;
        s.recallMeasuredAt = st.manifest.recallMeasuredAt;
    } else if (st.manifest.recall) {
        s.recall = st.manifest.recall;
        s.recallSample = st.manifest.recallSample;
        s.recallMeasuredAt = st.manifest.recallMeasuredAt;
    }
    s.maskedBaseVectors = static_cast<qint64>(st.mask.size());
    if (st.delta) {
        s.deltaVectors = static_cast<qint64>(st.delta->size());
        s.ramBytes += static_cast<qint64>(st.delta->memoryBytes());
    }
    s.ramBytes += static_cast<qint64>(st.mask.size() * (sizeof(std::uint64_t) + 16));
    return s;
}

void SearchIndex::recordRecall(double recall, int sample) {
    // The manifest on disk is only rewritten when it still names this index's base and no other
    // process is writing it; the figure is kept in memory either way.
    QString key;
    {
        const std::lock_guard serial(m_sync->serial);
        key = m_key;
    }
    FileLock files;
    QString error;
    const bool mayWrite =
        !key.isEmpty() && files.acquire(lockPath(key), false, &error) == FileLock::Result::Locked;
    const std::lock_guard serial(m_sync->serial);
    const std::unique_lock lock(m_sync->state);
    if (!m_state)
        return;
    m_state->manifest.recall = recall;
    m_state->manifest.recallSample = sample;
    m_state->manifest.recallMeasuredAt = QDateTime::currentDateTimeUtc();
    if (!mayWrite || !m_state->base)
        return;
    try {
        if (IndexManifest::load(manifestPath()).baseFile != m_state->manifest.baseFile)
            return;
    } catch (const std::exception&) {
        return;
    }
    m_state->manifest.save(manifestPath());
}

} // namespace quiver
