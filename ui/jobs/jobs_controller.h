#pragma once

#include "core/jobs/job_repository.h"
#include "core/jobs/jobs_overview.h"

#include <QObject>

#include <memory>
#include <optional>

namespace quiver {

class PgConnection;

// The Jobs page's database work, on the thread it is moved to, on a connection of its own
// (opened on demand, reopened after a loss). Call its methods through queued invocations only;
// results come back as signals.
class JobsController : public QObject {
    Q_OBJECT
public:
    JobsController();
    ~JobsController() override;

    void setConninfo(const QString& conninfo);
    void refresh();
    void setScheduled(qint64 jobId, bool scheduled);
    void remove(qint64 jobId);
    void runNow(qint64 jobId);
    // jobId 0 adds a job.
    void save(qint64 jobId, const quiver::JobSpec& spec);
    void retryFailed(const QString& model, const QList<qint64>& chunkIds);

signals:
    void overviewReady(const quiver::JobsOverview& overview);
    void failed(const QString& message);
    void changed();

private:
    template <typename F>
    void attempt(F&& f);

    QString m_conninfo;
    std::unique_ptr<PgConnection> m_conn;
    std::unique_ptr<JobsOverviewReader> m_reader;
};

} // namespace quiver
