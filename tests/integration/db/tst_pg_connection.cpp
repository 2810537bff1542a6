// PgConnection and PgResult against the real PostgreSQL server of the ctest fixture.
#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "tests/harness/test_postgres.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

using quiver::DbError;
using quiver::PgConnection;
using quiver::PgResult;
using quiver::test::TestPostgres;

class TestPgConnection : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void basics();
    void textRoundTrip_data();
    void textRoundTrip();
    void byteaRoundTripsEveryByte();
    void nulls();
    void numbersAndBools();
    void realArrays();
    void injectionStaysData();
    void errorsCarrySqlState();
    void resultAccessorsRefuseBadAccess();
    void transactionCommitsAndReturns();
    void transactionRollsBackOnException();
    void nestedTransactionsUseSavepoints();
    void swallowedErrorFailsCommit();
    void copyTextField();
    void copyInThousandsOfRows();
    void copyWithBadRowCopiesNothing();
    void copyStoppedByClientCopiesNothing();
    void listenNotify();
    void notificationFromAnotherThread();
    void terminatedBackendIsClosed();

private:
    QString m_conninfo;
    std::optional<PgConnection> m_conn;
};

void TestPgConnection::initTestCase() {
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("pgconn"));
    m_conn = PgConnection::open(m_conninfo);
    QVERIFY(m_conn->isOpen());
}

void TestPgConnection::cleanupTestCase() {
    m_conn.reset();
    TestPostgres::instance().dropDatabase(m_conninfo);
}

void TestPgConnection::basics() {
    PgConnection& c = *m_conn;
    QVERIFY(c.serverVersionNumber() >= 130000);
    QVERIFY2(c.serverVersion().startsWith(QLatin1String("PostgreSQL 1")),
             qPrintable(c.serverVersion()));
    QVERIFY(c.socketDescriptor() >= 0);
    QVERIFY(c.backendPid() > 0);
    const QString d = c.describe();
    QVERIFY2(d.startsWith(TestPostgres::instance().superuser() + QLatin1Char('@')), qPrintable(d));
    QVERIFY2(d.contains(QLatin1String("/pgconn_")), qPrintable(d));
    const PgResult r = c.exec(QStringLiteral(
        "SELECT current_setting('application_name'), current_setting('client_encoding')"));
    QCOMPARE(r.text(0, 0), QStringLiteral("quiver"));
    QCOMPARE(r.text(0, 1), QStringLiteral("UTF8"));
    QCOMPARE(r.column("current_setting"), 0);

    // A moved-from connection is closed, not dangling.
    PgConnection moved = std::move(*m_conn);
    QVERIFY(!m_conn->isOpen());
    QVERIFY_THROWS_EXCEPTION(DbError, m_conn->exec(QStringLiteral("SELECT 1")));
    *m_conn = std::move(moved);
    QVERIFY(m_conn->isOpen());
}

void TestPgConnection::textRoundTrip_data() {
    QTest::addColumn<QString>("value");
    QTest::newRow("plain") << QStringLiteral("hello");
    QTest::newRow("empty") << QString(QLatin1String(""));
    QTest::newRow("quotes") << QStringLiteral("O'Reilly said \"hi\" `x` $1 $$");
    QTest::newRow("backslashes") << QStringLiteral("C:\\path\\to\\file \\N \\x00");
    QTest::newRow("unicode") << QStringLiteral("Grüße, 日本語, emoji 🏹, RTL עברית");
    QTest::newRow("control") << QStringLiteral("tab\there\nnewline\r\n\x01\x1f");
    QTest::newRow("long") << QString(100000, QLatin1Char('x'));
}

void TestPgConnection::textRoundTrip() {
    QFETCH(QString, value);
    const PgResult r = m_conn->exec(QStringLiteral("SELECT $1::text, length($1::text)"), {value});
    QCOMPARE(r.rows(), 1);
    QCOMPARE(r.columns(), 2);
    QVERIFY(!r.isNull(0, 0));
    QCOMPARE(r.text(0, 0), value);
    // Server-side length in characters proves the server saw the same string, not mojibake.
    QCOMPARE(r.toInt64(0, 1), value.toUcs4().size());
}

void TestPgConnection::byteaRoundTripsEveryByte() {
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(static_cast<char>(i));
    all += all; // NULs in the middle and at the start
    const PgResult r = m_conn->exec(
        QStringLiteral("SELECT $1::bytea, octet_length($1::bytea), get_byte($1::bytea, 255)"),
        {all});
    QCOMPARE(r.bytes(0, 0), all);
    QCOMPARE(r.toInt64(0, 1), 512);
    QCOMPARE(r.toInt64(0, 2), 255);
    const PgResult empty = m_conn->exec(QStringLiteral("SELECT $1::bytea"), {QByteArray("")});
    QVERIFY(!empty.isNull(0, 0));
    QCOMPARE(empty.bytes(0, 0), QByteArray());
}

void TestPgConnection::nulls() {
    const PgResult r = m_conn->exec(
        QStringLiteral("SELECT $1::text IS NULL, $2::bigint IS NULL, $1::text, $3::text IS NULL"),
        {QVariant(), QVariant(), QString(QLatin1String(""))});
    QVERIFY(r.toBool(0, 0));
    QVERIFY(r.toBool(0, 1));
    QVERIFY(r.isNull(0, 2));
    QVERIFY(r.text(0, 2).isNull());
    QVERIFY(!r.toBool(0, 3)); // an empty string is not NULL
    QVERIFY_THROWS_EXCEPTION(DbError, r.toInt64(0, 2));
    QVERIFY(r.bytes(0, 2).isNull());
}

void TestPgConnection::numbersAndBools() {
    const qint64 big = std::numeric_limits<qint64>::max();
    const qint64 small = std::numeric_limits<qint64>::min();
    const double pi = 3.141592653589793;
    const double tiny = 4.9406564584124654e-324;
    const PgResult r = m_conn->exec(
        QStringLiteral("SELECT $1::bigint, $2::bigint, $3::float8, $4::float8, $5::int + 1, "
                       "$6::boolean, $7::boolean, $8::real, $9::numeric * 2"),
        {big, small, pi, tiny, 41, true, false, 1.5f, QStringLiteral("12345678901234567890.5")});
    QCOMPARE(r.toInt64(0, 0), big);
    QCOMPARE(r.toInt64(0, 1), small);
    QCOMPARE(r.toDouble(0, 2), pi);
    QCOMPARE(r.toDouble(0, 3), tiny);
    QCOMPARE(r.toInt64(0, 4), 42);
    QCOMPARE(r.toBool(0, 5), true);
    QCOMPARE(r.toBool(0, 6), false);
    QCOMPARE(r.toDouble(0, 7), 1.5);
    QCOMPARE(r.text(0, 8), QStringLiteral("24691357802469135781.0"));
    QVERIFY_THROWS_EXCEPTION(DbError, r.toInt64(0, 2)); // 3.14... is not an integer
}

void TestPgConnection::realArrays() {
    const QList<float> list{0.1f, -2.5f, 1e-30f, 3.4e38f, 0.0f, 1.0f / 3.0f};
    const std::vector<float> vec(list.begin(), list.end());
    const PgResult r =
        m_conn->exec(QStringLiteral("SELECT $1, cardinality($1), $2::real[], pg_typeof($1)::text"),
                     {QVariant::fromValue(list), QVariant::fromValue(vec)});
    QCOMPARE(r.toFloatArray(0, 0), list); // exact: floats survive the text format bit for bit
    QCOMPARE(r.toInt64(0, 1), list.size());
    QCOMPARE(r.toFloatArray(0, 2), list);
    QCOMPARE(r.text(0, 3), QStringLiteral("real[]"));

    const PgResult empty =
        m_conn->exec(QStringLiteral("SELECT $1::real[]"), {QVariant::fromValue(QList<float>())});
    QVERIFY(empty.toFloatArray(0, 0).isEmpty());

    const PgResult texts = m_conn->exec(
        QStringLiteral("SELECT $1::text[], cardinality($1::text[]), ($1::text[])[2]"),
        {QStringList{QStringLiteral("a,b"), QStringLiteral("q\"uo\\te"), QStringLiteral("{x}")}});
    QCOMPARE(texts.toInt64(0, 1), 3);
    QCOMPARE(texts.text(0, 2), QStringLiteral("q\"uo\\te"));
}

void TestPgConnection::injectionStaysData() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE inj (name text)"));
    const QStringList attacks{
        QStringLiteral("x'); DROP TABLE inj; --"),
        QStringLiteral("'; DELETE FROM inj WHERE ''='"),
        QStringLiteral("$1; SELECT pg_sleep(10)"),
        QStringLiteral("\\'; DROP TABLE inj; --"),
        QStringLiteral("1 OR 1=1"),
    };
    for (const QString& a : attacks)
        c.exec(QStringLiteral("INSERT INTO inj (name) VALUES ($1)"), {a});
    const PgResult r = c.exec(QStringLiteral("SELECT name FROM inj ORDER BY name"));
    QCOMPARE(r.rows(), attacks.size());
    QStringList back;
    for (int i = 0; i < r.rows(); ++i)
        back << r.text(i, 0);
    QStringList expected = attacks;
    expected.sort();
    back.sort();
    QCOMPARE(back, expected);
    const PgResult hit = c.exec(QStringLiteral("SELECT count(*) FROM inj WHERE name = $1"),
                                {QStringLiteral("1 OR 1=1")});
    QCOMPARE(hit.toInt64(0, 0), 1);
    c.exec(QStringLiteral("DROP TABLE inj"));
}

void TestPgConnection::errorsCarrySqlState() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE uniq (k text PRIMARY KEY)"));
    c.exec(QStringLiteral("INSERT INTO uniq VALUES ($1)"), {QStringLiteral("a")});
    try {
        c.exec(QStringLiteral("INSERT INTO uniq VALUES ($1)"), {QStringLiteral("a")});
        QFAIL("a duplicate key was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.kind(), DbError::Kind::Query);
        QCOMPARE(e.sqlState(), QStringLiteral("23505"));
        QVERIFY2(e.message().contains(QLatin1String("duplicate key")), qPrintable(e.message()));
        QVERIFY(e.detail().contains(QLatin1String("already exists")));
        QVERIFY(e.userMessage().contains(QLatin1String("23505")));
        QCOMPARE(QString::fromUtf8(e.what()), e.message());
    }
    try {
        c.exec(QStringLiteral("SELECT * FROM no_such_table"));
        QFAIL("a missing table was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.kind(), DbError::Kind::Query);
        QCOMPARE(e.sqlState(), QStringLiteral("42P01"));
        QVERIFY(e.message().contains(QLatin1String("no_such_table")));
    }
    try {
        c.exec(QStringLiteral("SELEC 1"));
        QFAIL("a syntax error was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.sqlState(), QStringLiteral("42601"));
    }
    try {
        c.exec(QStringLiteral("SELECT $1::int"), {QStringLiteral("twelve")});
        QFAIL("a bad integer was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.sqlState(), QStringLiteral("22P02"));
    }
    // The connection is still fine after errors outside a transaction.
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM uniq")).toInt64(0, 0), 1);
    c.exec(QStringLiteral("DROP TABLE uniq"));
}

void TestPgConnection::resultAccessorsRefuseBadAccess() {
    PgResult r = m_conn->exec(QStringLiteral("SELECT 1 AS one"));
    QVERIFY_THROWS_EXCEPTION(DbError, r.text(1, 0));
    QVERIFY_THROWS_EXCEPTION(DbError, r.text(0, 1));
    QVERIFY_THROWS_EXCEPTION(DbError, r.isNull(-1, 0));
    QVERIFY_THROWS_EXCEPTION(DbError, r.column("two"));
    QCOMPARE(r.columnName(0), QStringLiteral("one"));
    PgResult moved = std::move(r);
    QCOMPARE(moved.toInt64(0, 0), 1);
    QCOMPARE(r.rows(), 0);
}

void TestPgConnection::transactionCommitsAndReturns() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE tx (v int)"));
    const qint64 inserted = c.transaction([&] {
        return c.exec(QStringLiteral("INSERT INTO tx SELECT generate_series(1, 3)")).affectedRows();
    });
    QCOMPARE(inserted, 3);
    c.transaction(
        [](PgConnection& conn) { conn.exec(QStringLiteral("INSERT INTO tx VALUES (4)")); });
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM tx")).toInt64(0, 0), 4);
    QCOMPARE(c.transactionDepth(), 0);
}

void TestPgConnection::transactionRollsBackOnException() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE rb (v int)"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, c.transaction([&] {
        c.exec(QStringLiteral("INSERT INTO rb VALUES (1)"));
        throw std::runtime_error("the caller changed its mind");
    }));
    QCOMPARE(c.transactionDepth(), 0);
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM rb")).toInt64(0, 0), 0);

    // A failing statement inside: the DbError propagates and the earlier insert is undone.
    try {
        c.transaction([&] {
            c.exec(QStringLiteral("INSERT INTO rb VALUES (2)"));
            c.exec(QStringLiteral("INSERT INTO rb VALUES ('x')"));
        });
        QFAIL("the transaction did not throw");
    } catch (const DbError& e) {
        QCOMPARE(e.sqlState(), QStringLiteral("22P02"));
    }
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM rb")).toInt64(0, 0), 0);
    // No transaction is left open: this insert is visible from another connection.
    c.exec(QStringLiteral("INSERT INTO rb VALUES (3)"));
    PgConnection other = PgConnection::open(m_conninfo);
    QCOMPARE(other.exec(QStringLiteral("SELECT count(*) FROM rb")).toInt64(0, 0), 1);
}

void TestPgConnection::nestedTransactionsUseSavepoints() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE nest (v int)"));
    c.transaction([&] {
        c.exec(QStringLiteral("INSERT INTO nest VALUES (1)"));
        try {
            c.transaction([&] {
                QCOMPARE(c.transactionDepth(), 2);
                c.exec(QStringLiteral("INSERT INTO nest VALUES (2)"));
                c.exec(QStringLiteral("SELECT 1/0"));
            });
        } catch (const DbError& e) {
            QCOMPARE(e.sqlState(), QStringLiteral("22012"));
        }
        c.transaction([&] { c.exec(QStringLiteral("INSERT INTO nest VALUES (3)")); });
    });
    const PgResult r =
        c.exec(QStringLiteral("SELECT string_agg(v::text, ',' ORDER BY v) FROM nest"));
    QCOMPARE(r.text(0, 0), QStringLiteral("1,3"));
}

void TestPgConnection::swallowedErrorFailsCommit() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE sw (v int)"));
    try {
        c.transaction([&] {
            c.exec(QStringLiteral("INSERT INTO sw VALUES (1)"));
            try {
                c.exec(QStringLiteral("SELECT 1/0"));
            } catch (const DbError&) {
                // swallowed: the transaction is aborted all the same
            }
        });
        QFAIL("COMMIT of an aborted transaction was reported as success");
    } catch (const DbError& e) {
        QCOMPARE(e.sqlState(), QStringLiteral("25P02"));
    }
    QCOMPARE(c.transactionDepth(), 0);
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM sw")).toInt64(0, 0), 0);
}

void TestPgConnection::copyTextField() {
    QCOMPARE(PgConnection::copyTextField(QStringLiteral("a\tb\nc\\d\re")),
             QByteArray("a\\tb\\nc\\\\d\\re"));
    QCOMPARE(PgConnection::copyTextField(std::optional<QString>()), QByteArray("\\N"));
    QCOMPARE(PgConnection::copyTextField(std::optional<QString>(QStringLiteral("\\N"))),
             QByteArray("\\\\N"));
    QCOMPARE(PgConnection::copyTextField(QStringLiteral("ü")), QByteArray("\xc3\xbc"));
}

namespace {
QString copyBody(int i) {
    switch (i % 5) {
    case 0:
        return QStringLiteral("row %1 with\ttab").arg(i);
    case 1:
        return QStringLiteral("row %1 with\nnewline and \r\n CRLF").arg(i);
    case 2:
        return QStringLiteral("row %1 with \\ backslash and \\N and \\t literal").arg(i);
    case 3:
        return QStringLiteral("row %1 ünïcödé 🏹 'quotes' \"dq\"").arg(i);
    default:
        return QStringLiteral("row %1").arg(i);
    }
}
} // namespace

void TestPgConnection::copyInThousandsOfRows() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE cp (id int PRIMARY KEY, body text NOT NULL, note text)"));
    const int total = 5000;
    int next = 0;
    int chunks = 0;
    const qint64 copied =
        c.copyIn(QStringLiteral("COPY cp (id, body, note) FROM STDIN"), [&](QByteArray& chunk) {
            if (next >= total)
                return false;
            for (int end = qMin(total, next + 333); next < end; ++next) {
                const std::optional<QString> note =
                    next % 7 == 0 ? std::nullopt : std::optional<QString>(QString::number(next));
                chunk += QByteArray::number(next) + '\t' +
                         PgConnection::copyTextField(copyBody(next)) + '\t' +
                         PgConnection::copyTextField(note) + '\n';
            }
            ++chunks;
            return true;
        });
    QCOMPARE(copied, total);
    QVERIFY(chunks > 10);
    const PgResult r = c.exec(QStringLiteral("SELECT id, body, note FROM cp ORDER BY id"));
    QCOMPARE(r.rows(), total);
    for (int i = 0; i < total; ++i) {
        QCOMPARE(r.toInt64(i, 0), i);
        QCOMPARE(r.text(i, 1), copyBody(i));
        QCOMPARE(r.isNull(i, 2), i % 7 == 0);
    }
}

void TestPgConnection::copyWithBadRowCopiesNothing() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE cpbad (id int, body text)"));
    int next = 0;
    try {
        c.copyIn(QStringLiteral("COPY cpbad (id, body) FROM STDIN"), [&](QByteArray& chunk) {
            if (next >= 3000)
                return false;
            for (int end = next + 100; next < end; ++next) {
                const QByteArray id =
                    next == 1500 ? QByteArray("fifteen-hundred") : QByteArray::number(next);
                chunk += id + "\tbody\n";
            }
            return true;
        });
        QFAIL("a bad row was accepted");
    } catch (const DbError& e) {
        QCOMPARE(e.kind(), DbError::Kind::Copy);
        QCOMPARE(e.sqlState(), QStringLiteral("22P02"));
        QVERIFY2(e.message().contains(QLatin1String("invalid input syntax for type integer")),
                 qPrintable(e.message()));
        QVERIFY(e.message().contains(QLatin1String("fifteen-hundred")));
        QVERIFY(e.userMessage().contains(QLatin1String("Nothing from this batch was stored")));
    }
    QVERIFY(c.isOpen());
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM cpbad")).toInt64(0, 0), 0);

    // A wrong column count is refused just the same.
    QVERIFY_THROWS_EXCEPTION(DbError, c.copyIn(QStringLiteral("COPY cpbad (id, body) FROM STDIN"),
                                               [done = false](QByteArray& chunk) mutable {
                                                   if (done)
                                                       return false;
                                                   chunk = "1\ta\n2\n";
                                                   done = true;
                                                   return true;
                                               }));
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM cpbad")).toInt64(0, 0), 0);
}

void TestPgConnection::copyStoppedByClientCopiesNothing() {
    PgConnection& c = *m_conn;
    c.exec(QStringLiteral("CREATE TABLE cpstop (id int)"));
    int calls = 0;
    QVERIFY_THROWS_EXCEPTION(
        std::runtime_error,
        c.copyIn(QStringLiteral("COPY cpstop FROM STDIN"), [&](QByteArray& chunk) -> bool {
            if (++calls == 3)
                throw std::runtime_error("reading the source file failed");
            chunk = QByteArray::number(calls) + '\n';
            return true;
        }));
    QCOMPARE(c.exec(QStringLiteral("SELECT count(*) FROM cpstop")).toInt64(0, 0), 0);
    // COPY only through copyIn(), and copyIn() only for COPY FROM STDIN.
    QVERIFY_THROWS_EXCEPTION(DbError, c.exec(QStringLiteral("COPY cpstop FROM STDIN")));
    QVERIFY(c.isOpen());
    QVERIFY_THROWS_EXCEPTION(
        DbError, c.copyIn(QStringLiteral("SELECT 1"), [](QByteArray&) { return false; }));
    QCOMPARE(c.exec(QStringLiteral("SELECT 7")).toInt64(0, 0), 7);
}

void TestPgConnection::listenNotify() {
    PgConnection listener = PgConnection::open(m_conninfo);
    const QString channel = QStringLiteral("quiver work \"queue\"");
    listener.listen(channel);
    QVERIFY(!listener.nextNotification(0).has_value());

    QElapsedTimer timer;
    timer.start();
    QVERIFY(!listener.nextNotification(150).has_value());
    QVERIFY2(timer.elapsed() >= 140, qPrintable(QString::number(timer.elapsed())));

    m_conn->notify(channel, QStringLiteral("chunks ready: ünï"));
    m_conn->notify(QStringLiteral("some other channel"), QStringLiteral("ignored"));
    m_conn->notify(channel, QStringLiteral("second"));
    const auto first = listener.nextNotification(5000);
    QVERIFY(first.has_value());
    QCOMPARE(first->channel, channel);
    QCOMPARE(first->payload, QStringLiteral("chunks ready: ünï"));
    QCOMPARE(first->backendPid, m_conn->backendPid());
    const auto second = listener.nextNotification(5000);
    QVERIFY(second.has_value());
    QCOMPARE(second->payload, QStringLiteral("second"));
    QVERIFY(!listener.nextNotification(0).has_value());

    listener.unlisten(channel);
    m_conn->notify(channel, QStringLiteral("after unlisten"));
    QVERIFY(!listener.nextNotification(200).has_value());
}

void TestPgConnection::notificationFromAnotherThread() {
    PgConnection listener = PgConnection::open(m_conninfo);
    listener.listen(QStringLiteral("wake"));
    std::atomic<bool> failed{false};
    // The listener blocks in poll() while another thread, with its own connection, notifies;
    // it must wake up as soon as the notification arrives, long before its timeout.
    std::thread notifier([&] {
        try {
            PgConnection c = PgConnection::open(m_conninfo);
            c.notify(QStringLiteral("wake"), QStringLiteral("from thread"));
        } catch (...) {
            failed = true;
        }
    });
    QElapsedTimer timer;
    timer.start();
    const auto n = listener.nextNotification(20000);
    notifier.join();
    QVERIFY(!failed);
    QVERIFY(n.has_value());
    QCOMPARE(n->payload, QStringLiteral("from thread"));
    QVERIFY(timer.elapsed() < 15000);
}

void TestPgConnection::terminatedBackendIsClosed() {
    PgConnection victim = PgConnection::open(m_conninfo);
    victim.listen(QStringLiteral("anything"));
    const int pid = victim.backendPid();
    // The timeout makes pg_terminate_backend wait until the backend is gone (PostgreSQL 14+).
    const PgResult killed =
        m_conn->exec(QStringLiteral("SELECT pg_terminate_backend($1, 10000)"), {pid});
    QVERIFY(killed.toBool(0, 0));

    try {
        victim.exec(QStringLiteral("SELECT 1"));
        QFAIL("a query on a terminated connection succeeded");
    } catch (const DbError& e) {
        QVERIFY2(e.kind() == DbError::Kind::Closed, qPrintable(DbError::kindName(e.kind())));
        QVERIFY(!e.message().isEmpty());
        QVERIFY2(
            e.userMessage().contains(QLatin1String("connection to the database server was lost")),
            qPrintable(e.userMessage()));
    }
    QVERIFY(!victim.isOpen());
    // Every further use fails the same way instead of crashing.
    try {
        victim.exec(QStringLiteral("SELECT 1"));
        QFAIL("a query on a closed connection succeeded");
    } catch (const DbError& e) {
        QCOMPARE(e.kind(), DbError::Kind::Closed);
    }
    QVERIFY_THROWS_EXCEPTION(DbError, victim.nextNotification(10));
    QVERIFY_THROWS_EXCEPTION(DbError, victim.transaction([] {}));
    QCOMPARE(victim.transactionDepth(), 0);
    QVERIFY(m_conn->isOpen());
}

QTEST_GUILESS_MAIN(TestPgConnection)
#include "tst_pg_connection.moc"
