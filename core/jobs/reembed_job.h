#pragma once

#include "core/jobs/embed_worker.h"
#include "core/jobs/job_handler.h"

namespace quiver {

// reembed: embeds one collection's chunks with another profile (those without an embedding of
// the profile's model), through the embedding loop itself (EmbedWorker restricted to the
// collection): the same batching, leases, retries, rate limits and key handling. Config:
// {"collection": NAME, "profile": NAME}, both required. The run counts chunks embedded and
// chunks that failed; it ends when the collection has nothing left for the model.
class ReembedJob : public JobHandler {
public:
    ReembedJob(EmbedWorker::EmbedderFactory factory, double leaseSeconds);

    // What is wrong with a reembed config, in one line with the fix; empty when it is whole.
    static QString configProblem(const QJsonObject& config);

    JobOutcome run(JobContext& context) override;

private:
    EmbedWorker::EmbedderFactory m_factory;
    double m_leaseSeconds;
};

} // namespace quiver
