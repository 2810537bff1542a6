#include "core/jobs/jobs_overview.h"

#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/jobs/job_repository.h"

namespace quiver {

namespace {
// Chunks per second over the time the recent work (the last five minutes) actually took, not
// over the whole five minutes: 307 chunks embedded in three seconds are about 100 a second, not
// one. While chunks are still waiting the work runs until now; once none are, it ended with the
// last batch. A batch is written in one transaction (one timestamp), so a span is at least one
// second: one batch alone reads as that batch a second.
double recentRate(PgConnection& conn, const QString& model, bool stillRunning) {
    const PgResult r = conn.exec(
        QStringLiteral("SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)"
                       "::float8, coalesce(extract(epoch FROM max(created_at) - min(created_at)), "
                       "0)::float8 FROM quiver.embeddings "
                       "WHERE model = $1 AND created_at >= now() - interval '5 minutes'"),
        {model});
    const qint64 count = r.toInt64(0, 0);
    if (count == 0)
        return 0;
    const double seconds = stillRunning ? r.toDouble(0, 1) : r.toDouble(0, 2);
    return static_cast<double>(count) / qMax(1.0, seconds);
}
} // namespace

QString JobsOverviewReader::modelFor(const EmbeddingProfile& p) {
    const QString key = QStringLiteral("%1|%2|%3|%4")
                            .arg(p.name, EmbeddingProfile::kindName(p.kind), p.model)
                            .arg(p.dimensions);
    auto it = m_models.constFind(key);
    if (it != m_models.constEnd())
        return *it;
    QString model;
    try {
        model = createEmbedder(p, QString())->modelId();
    } catch (const EmbedError&) {
        // Unusable as configured: no backlog can be shown until it is fixed.
    }
    m_models.insert(key, model);
    return model;
}

JobsOverview JobsOverviewReader::read() {
    JobsOverview o;
    JobRepository jobs(m_conn);
    o.jobs = jobs.list();
    o.runs = jobs.history(0, 100);
    o.workers = WorkerRegistry(m_conn).active(120);
    ProfileRepository profiles(m_conn);
    QStringList seen;
    for (const Job& job : o.jobs) {
        if (job.proc != QLatin1String("embed_pending") || seen.contains(job.profile()))
            continue;
        seen.append(job.profile());
        const std::optional<EmbeddingProfile> profile = profiles.find(job.profile());
        if (!profile)
            continue;
        ProfileBacklog b;
        b.profile = profile->name;
        b.model = modelFor(*profile);
        if (b.model.isEmpty())
            continue;
        EmbeddingQueue queue(m_conn, b.model, QString());
        b.backlog = queue.backlog();
        b.chunksPerSecond = recentRate(m_conn, b.model, b.backlog.pending > 0);
        if (b.backlog.pending == 0)
            b.etaSeconds = 0;
        else if (b.chunksPerSecond > 0)
            b.etaSeconds =
                static_cast<qint64>(static_cast<double>(b.backlog.pending) / b.chunksPerSecond);
        if (o.chartModel.isEmpty()) {
            o.chartModel = b.model;
            o.chunksPerMinute = queue.embeddedPerMinute(30);
        }
        for (const EmbeddingQueue::FailedChunk& f : queue.failedChunks(200)) {
            o.failed.append(f);
            o.failedModels.append(b.model);
        }
        o.backlogs.append(b);
    }
    return o;
}

} // namespace quiver
