#include "core/session/connection_tester.h"

#include "core/db/pg_connection.h"
#include "core/session/database_opener.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace quiver {

namespace {
struct TestOutcome {
    bool ok = false;
    QString text;
};
} // namespace

ConnectionTester::ConnectionTester(QObject* parent)
    : QObject(parent)
    , m_generation(std::make_shared<std::atomic<int>>(0)) {}

ConnectionTester::~ConnectionTester() {
    cancel();
}

void ConnectionTester::test(const ConnectionSettings& settings, const QString& password) {
    const int generation = ++*m_generation;
    const QString conninfo = settings.conninfo(password);
    auto* watcher = new QFutureWatcher<TestOutcome>(this);
    connect(watcher, &QFutureWatcher<TestOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation->load())
            return; // cancelled or superseded by a newer test
        const TestOutcome outcome = watcher->result();
        if (outcome.ok)
            emit succeeded(outcome.text);
        else
            emit failed(outcome.text);
    });
    watcher->setFuture(QtConcurrent::run([conninfo] {
        try {
            PgConnection conn = PgConnection::open(conninfo);
            return TestOutcome{true, conn.serverVersion()};
        } catch (const std::exception& e) {
            return TestOutcome{false, userMessageFor(e)};
        }
    }));
}

void ConnectionTester::cancel() {
    ++*m_generation;
}

} // namespace quiver
