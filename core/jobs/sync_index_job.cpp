#include "core/jobs/sync_index_job.h"

#include "core/jobs/job_repository.h"
#include "core/search/embedding_source.h"
#include "core/search/query_embedder_factory.h"
#include "core/search/search_index.h"

namespace quiver {

JobOutcome SyncIndexJob::run(JobContext& context) {
    QString model = context.job.config.value(QStringLiteral("model")).toString();
    if (model.isEmpty())
        model = preferredSearchModel(context.conn);
    if (model.isEmpty())
        throw JobError(QStringLiteral("job \"%1\": nothing is embedded yet, so there is no index "
                                      "to sync; it runs again once embeddings exist")
                           .arg(context.job.name));
    if (EmbeddingSource::count(context.conn, model) == 0)
        throw JobError(QStringLiteral("job \"%1\": model \"%2\" has no embeddings: fix the job's "
                                      "config with 'quiver-cli jobs alter %1 --config "
                                      "'{\"model\": \"...\"}'' (see 'quiver-cli index status')")
                           .arg(context.job.name, model));

    SearchIndex index(model);
    JobControl& control = context.control;
    // Building polls the progress callback; returning false cancels it (IndexCancelled).
    index.open(context.conn, [&control](double, const QString&) { return !control.isCancelled(); });
    const IndexStatus opened = index.status();
    const std::size_t later = control.isCancelled() ? 0 : index.sync(context.conn);
    const IndexStatus now = index.status();

    JobOutcome out;
    const bool built = !opened.opened.startsWith(QLatin1String("loaded"));
    // A loaded index starts with an empty delta: what it holds after opening is what the
    // opening sync applied.
    out.done = (built ? opened.baseVectors + opened.deltaVectors
                      : opened.deltaVectors + opened.maskedBaseVectors) +
               static_cast<qint64>(later);
    out.details = QJsonObject{{QStringLiteral("model"), model},
                              {QStringLiteral("opened"), opened.opened},
                              {QStringLiteral("vectors"), now.baseVectors + now.deltaVectors},
                              {QStringLiteral("exact"), now.exact}};
    return out;
}

} // namespace quiver
