#include "ui/jobs/jobs_controller.h"

#include "core/db/pg_connection.h"
#include "core/session/database_opener.h"

namespace quiver {

JobsController::JobsController() = default;
JobsController::~JobsController() = default;

template <typename F>
void JobsController::attempt(F&& f) {
    if (m_conninfo.isEmpty())
        return;
    try {
        if (!m_conn || !m_conn->isOpen()) {
            m_reader.reset();
            m_conn = std::make_unique<PgConnection>(PgConnection::open(m_conninfo));
            m_reader = std::make_unique<JobsOverviewReader>(*m_conn);
        }
        f();
    } catch (const JobError& e) {
        emit failed(e.message());
    } catch (const std::exception& e) {
        emit failed(userMessageFor(e));
    }
}

void JobsController::setConninfo(const QString& conninfo) {
    m_reader.reset();
    m_conn.reset();
    m_conninfo = conninfo;
}

void JobsController::refresh() {
    attempt([&] { emit overviewReady(m_reader->read()); });
}

void JobsController::setScheduled(qint64 jobId, bool scheduled) {
    attempt([&] {
        JobRepository(*m_conn).setScheduled(jobId, scheduled);
        emit changed();
    });
}

void JobsController::remove(qint64 jobId) {
    attempt([&] {
        JobRepository(*m_conn).remove(jobId);
        emit changed();
    });
}

void JobsController::runNow(qint64 jobId) {
    attempt([&] {
        JobRepository(*m_conn).runNow(jobId);
        emit changed();
    });
}

void JobsController::save(qint64 jobId, const JobSpec& spec) {
    attempt([&] {
        JobRepository jobs(*m_conn);
        if (jobId == 0)
            jobs.add(spec);
        else
            jobs.alter(jobId, spec);
        emit changed();
    });
}

void JobsController::retryFailed(const QString& model, const QList<qint64>& chunkIds) {
    attempt([&] {
        EmbeddingQueue(*m_conn, model, QString()).retryFailed(chunkIds);
        // Wake the workers: the chunks are claimable again.
        m_conn->notify(QStringLiteral("quiver_chunks"), QString());
        emit changed();
    });
}

} // namespace quiver
