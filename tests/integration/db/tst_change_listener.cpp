// The library's change notifications (migration 14) heard by a ChangeListener on its own
// thread and connection: every write to documents, chunks and embeddings is heard, whoever
// makes it; a lost connection is opened again and reported; destroying the listener ends its
// thread and closes its connection.
#include "core/db/change_listener.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "tests/harness/test_postgres.h"

#include <QSignalSpy>
#include <QTest>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {
constexpr int kWaitMs = 60'000; // a busy machine's connection start; events end it sooner
}

class TestChangeListener : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void hearsEveryWriteToTheLibrary();
    void reconnectsAfterTheConnectionIsLost();
    void destroyingItClosesItsConnection();

private:
    // The listener's backends: connections of this database other than the test's own.
    qint64 otherBackends();
    // Waits until `spy` holds a signal whose first argument is `channel`.
    bool heard(QSignalSpy& spy, const QString& channel);

    QString m_conninfo;
    std::optional<PgConnection> m_conn;
};

void TestChangeListener::initTestCase() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("listener"));
    m_conn = PgConnection::open(m_conninfo);
    Migrations::apply(*m_conn);
}

void TestChangeListener::cleanupTestCase() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

qint64 TestChangeListener::otherBackends() {
    return m_conn
        ->exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "current_database() AND pid <> pg_backend_pid() "
                              "AND backend_type = 'client backend'"))
        .toInt64(0, 0);
}

bool TestChangeListener::heard(QSignalSpy& spy, const QString& channel) {
    QDeadlineTimer deadline(kWaitMs);
    for (;;) {
        for (const QList<QVariant>& args : std::as_const(spy))
            if (args.value(0).toString() == channel)
                return true;
        if (deadline.hasExpired() ||
            !spy.wait(static_cast<int>(std::max<qint64>(1, deadline.remainingTime()))))
            return false;
    }
}

void TestChangeListener::hearsEveryWriteToTheLibrary() {
    ChangeListener listener(m_conninfo, {ChangeListener::libraryChannel()});
    QSignalSpy listening(&listener, &ChangeListener::listening);
    QSignalSpy changed(&listener, &ChangeListener::changed);
    QVERIFY(listening.wait(kWaitMs));
    const QString library = ChangeListener::libraryChannel();

    const qint64 collection =
        m_conn
            ->exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ('c') "
                                  "RETURNING id"))
            .toInt64(0, 0);
    const qint64 doc =
        m_conn
            ->exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path, title, "
                                  "mime) VALUES ($1, '/a.txt', 'a', 'text/plain') RETURNING id"),
                   {collection})
            .toInt64(0, 0);
    QVERIFY(heard(changed, library));
    changed.clear();
    const qint64 chunk = m_conn
                             ->exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, "
                                                   "ordinal, text) VALUES ($1, 0, 't') "
                                                   "RETURNING id"),
                                    {doc})
                             .toInt64(0, 0);
    QVERIFY(heard(changed, library));
    changed.clear();
    m_conn->exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, "
                                "vector) VALUES ($1, 'm', 2, '{1,0}')"),
                 {chunk});
    QVERIFY(heard(changed, library));
    changed.clear();
    m_conn->exec(QStringLiteral("DELETE FROM quiver.documents WHERE id = $1"), {doc});
    QVERIFY(heard(changed, library));
}

void TestChangeListener::reconnectsAfterTheConnectionIsLost() {
    ChangeListener listener(m_conninfo, {ChangeListener::libraryChannel()});
    QSignalSpy listening(&listener, &ChangeListener::listening);
    QSignalSpy changed(&listener, &ChangeListener::changed);
    QVERIFY(listening.wait(kWaitMs));
    m_conn->exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                "datname = current_database() AND pid <> pg_backend_pid() "
                                "AND backend_type = 'client backend'"));
    // Listening again, and a change reported for what may have been missed meanwhile.
    QVERIFY(heard(changed, QString()));
    QTRY_COMPARE_WITH_TIMEOUT(listening.size(), 2, kWaitMs);
    changed.clear();
    m_conn->exec(QStringLiteral("UPDATE quiver.documents SET title = title"));
    QVERIFY(heard(changed, ChangeListener::libraryChannel()));
}

void TestChangeListener::destroyingItClosesItsConnection() {
    auto listener =
        std::make_unique<ChangeListener>(m_conninfo, QStringList{ChangeListener::libraryChannel()});
    QSignalSpy listening(listener.get(), &ChangeListener::listening);
    QVERIFY(listening.wait(kWaitMs));
    QTRY_COMPARE_WITH_TIMEOUT(otherBackends(), qint64{1}, kWaitMs);
    listener.reset();
    QTRY_COMPARE_WITH_TIMEOUT(otherBackends(), qint64{0}, kWaitMs);
}

QTEST_GUILESS_MAIN(TestChangeListener)
#include "tst_change_listener.moc"
