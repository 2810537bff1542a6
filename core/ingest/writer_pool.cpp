#include "core/ingest/writer_pool.h"

#include "core/db/db_error.h"

namespace quiver {

WriterPool::WriterPool(int count, const std::function<PgConnection()>& open,
                       std::function<void()> wake)
    : m_wake(std::move(wake)) {
    for (int i = 0; i < count; ++i) {
        auto writer = std::make_unique<Writer>();
        try {
            writer->conn = open();
            writer->store = std::make_unique<DocumentStore>(writer->conn);
            writer->canceller = std::make_unique<PgCancelHandle>(writer->conn);
        } catch (const std::exception&) {
            // The server may allow fewer connections than asked for; the writers opened so far
            // do the work.
            break;
        }
        m_writers.push_back(std::move(writer));
    }
    for (const std::unique_ptr<Writer>& w : m_writers)
        w->thread = std::thread([this, raw = w.get()]() { loop(*raw); });
}

WriterPool::~WriterPool() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_jobReady.notify_all();
    for (const std::unique_ptr<Writer>& w : m_writers)
        w->thread.join();
}

bool WriterPool::hasFreeWriter() const {
    std::lock_guard lock(m_mutex);
    return m_inFlight < size();
}

bool WriterPool::hasDone() const {
    std::lock_guard lock(m_mutex);
    return !m_done.isEmpty();
}

int WriterPool::inFlight() const {
    std::lock_guard lock(m_mutex);
    return m_inFlight;
}

void WriterPool::submit(Job job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
        ++m_inFlight;
    }
    m_jobReady.notify_one();
}

QList<WriterPool::Done> WriterPool::takeDone() {
    std::lock_guard lock(m_mutex);
    QList<Done> out;
    out.swap(m_done);
    return out;
}

void WriterPool::waitIdle() {
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this]() { return m_inFlight == 0; });
}

void WriterPool::stop() {
    std::lock_guard lock(m_mutex);
    m_cancelled.store(true);
    for (const std::unique_ptr<Writer>& w : m_writers) {
        if (w->busy)
            w->canceller->cancel();
    }
}

void WriterPool::loop(Writer& writer) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            // Jobs already handed in are written even while stopping: the owner waits for them.
            m_jobReady.wait(lock, [this]() { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty())
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            writer.busy = true;
        }
        Done done;
        done.ticket = job.ticket;
        if (m_cancelled.load()) {
            done.outcome.documents.resize(job.documents.size());
            done.outcome.stopped = true;
        } else if (writer.conn.isOpen()) {
            done.outcome =
                writer.store->writeEach(job.collectionId, job.documents, job.runId, &m_cancelled);
        } else {
            // This writer lost its server earlier: nothing it is given can be stored.
            done.outcome.documents.resize(job.documents.size());
            done.outcome.connectionLost = true;
            done.outcome.lostMessage = QStringLiteral("the connection is closed");
        }
        {
            std::lock_guard lock(m_mutex);
            m_done.append(std::move(done));
            --m_inFlight;
            writer.busy = false;
        }
        m_idle.notify_all();
        if (m_wake)
            m_wake();
    }
}

} // namespace quiver
