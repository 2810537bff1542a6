#include "core/jobs/reembed_job.h"

#include "core/db/pg_connection.h"
#include "core/jobs/job_repository.h"

namespace quiver {

ReembedJob::ReembedJob(EmbedWorker::EmbedderFactory factory, double leaseSeconds)
    : m_factory(std::move(factory))
    , m_leaseSeconds(leaseSeconds) {}

QString ReembedJob::configProblem(const QJsonObject& config) {
    const bool collection = !config.value(QStringLiteral("collection")).toString().isEmpty();
    const bool profile = !config.value(QStringLiteral("profile")).toString().isEmpty();
    if (collection && profile)
        return {};
    return QStringLiteral("a reembed job needs %1: add --collection NAME --profile NAME")
        .arg(!collection && !profile ? QStringLiteral("a collection and a profile")
             : !collection           ? QStringLiteral("a collection")
                                     : QStringLiteral("a profile"));
}

JobOutcome ReembedJob::run(JobContext& context) {
    const Job& job = context.job;
    if (const QString problem = configProblem(job.config); !problem.isEmpty())
        throw JobError(QStringLiteral("job \"%1\": %2 (quiver-cli jobs alter %1 --config ...)")
                           .arg(job.name, problem));
    const QString collection = job.config.value(QStringLiteral("collection")).toString();
    const PgResult found = context.conn.exec(
        QStringLiteral("SELECT id FROM quiver.collections WHERE name = $1"), {collection});
    if (found.rows() == 0)
        throw JobError(QStringLiteral("job \"%1\": there is no collection \"%2\": see "
                                      "'quiver-cli jobs alter %1 --collection NAME'")
                           .arg(job.name, collection));
    if (!m_factory)
        throw JobError(
            QStringLiteral("job \"%1\": this worker cannot make embedders").arg(job.name));

    EmbedWorker::Options options;
    options.conninfo = context.conninfo;
    options.profile = job.profile();
    options.once = true;
    options.leaseSeconds = m_leaseSeconds;
    options.collectionId = found.toInt64(0, 0);
    options.jobId = job.id;
    options.runId = context.runId;
    EmbedWorker worker(options, m_factory);
    context.control.setHook([&worker] { worker.stop(); });
    const int status = worker.run();
    context.control.setHook({});

    const EmbedWorker::Counters c = worker.counters();
    if (status != 0)
        throw JobError(QStringLiteral("job \"%1\": %2").arg(job.name, worker.lastError()));
    JobOutcome out;
    out.done = c.done;
    out.failed = c.failed;
    out.progressRecorded = true;
    out.details = QJsonObject{{QStringLiteral("profile"), options.profile},
                              {QStringLiteral("collection"), collection},
                              {QStringLiteral("reused"), c.reused},
                              {QStringLiteral("errors"), c.errors}};
    return out;
}

} // namespace quiver
