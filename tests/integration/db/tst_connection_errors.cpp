// How connection failures are classified and worded, against the real PostgreSQL server of the
// ctest fixture: password (scram over TCP), unreachable servers, and TLS verification.
#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "tests/harness/test_postgres.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>

using quiver::DbError;
using quiver::PgConnection;
using quiver::test::TestPostgres;

namespace {

const QString kWrongPassword = QStringLiteral("Wr0ng-Pa55word-Zebra");

// Opens and returns the error; fails the test (via the empty optional) if it connects.
std::optional<DbError> openError(const QString& conninfo) {
    try {
        PgConnection c = PgConnection::open(conninfo);
        return std::nullopt;
    } catch (const DbError& e) {
        return e;
    }
}

QString kindName(const DbError& e) {
    return DbError::kindName(e.kind()) + QStringLiteral(": ") + e.message();
}

void verifyNoSecret(const DbError& e, const QString& secret) {
    QVERIFY2(!e.message().contains(secret), qPrintable(e.message()));
    QVERIFY2(!e.userMessage().contains(secret), qPrintable(e.userMessage()));
    QVERIFY(!QString::fromUtf8(e.what()).contains(secret));
    QVERIFY(!e.detail().contains(secret));
}

} // namespace

class TestConnectionErrors : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void rightPasswordOverTls();
    void wrongPassword();
    void missingPassword();
    void unknownUser();
    void closedTcpPort();
    void missingSocketDirectory();
    void unknownHost();
    void tlsRefusedByOtherCa();
    void tlsRootCertMissing();
    void tlsAcceptedWithRightRoot();
    void missingDatabase();
    void malformedConninfoDoesNotEchoIt();

private:
    QString m_db;
    QString m_superConninfo;
};

void TestConnectionErrors::initTestCase() {
    // No password may come from the environment or a ~/.pgpass of whoever runs the tests.
    qunsetenv("PGPASSWORD");
    qputenv("PGPASSFILE", "/nonexistent/quiver-test-pgpass");
    qunsetenv("PGSSLMODE");
    m_superConninfo = TestPostgres::instance().createDatabase(QStringLiteral("connerr"));
    m_db = m_superConninfo.section(QLatin1String("dbname="), 1).section(QLatin1Char(' '), 0, 0);
    QVERIFY(!m_db.isEmpty());
}

void TestConnectionErrors::cleanupTestCase() {
    TestPostgres::instance().dropDatabase(m_superConninfo);
}

void TestConnectionErrors::rightPasswordOverTls() {
    const auto& pg = TestPostgres::instance();
    PgConnection c =
        PgConnection::open(pg.tcpConninfo(m_db, pg.passwordUser()) +
                           QStringLiteral(" sslmode=require password=") + pg.password());
    QVERIFY(c.isOpen());
    QVERIFY(c.exec(QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                .toBool(0, 0));
    const QString d = c.describe();
    QCOMPARE(d,
             QStringLiteral("%1@127.0.0.1:%2/%3").arg(pg.passwordUser()).arg(pg.port()).arg(m_db));
    QVERIFY(!d.contains(pg.password()));
}

void TestConnectionErrors::wrongPassword() {
    const auto& pg = TestPostgres::instance();
    for (const QString& mode : {QStringLiteral("prefer"), QStringLiteral("disable")}) {
        const auto e =
            openError(pg.tcpConninfo(m_db, pg.passwordUser()) + QStringLiteral(" sslmode=") + mode +
                      QStringLiteral(" password=") + kWrongPassword);
        QVERIFY2(e.has_value(), "connected with a wrong password");
        QVERIFY2(e->kind() == DbError::Kind::Authentication, qPrintable(kindName(*e)));
        QCOMPARE(e->sqlState(), QStringLiteral("28P01"));
        QVERIFY2(e->message().contains(QLatin1String("password authentication failed")),
                 qPrintable(e->message()));
        QCOMPARE(e->userMessage(),
                 QStringLiteral("The database server refused the password for user “%1”. Check "
                                "the password in Settings › Connection.")
                     .arg(pg.passwordUser()));
        verifyNoSecret(*e, kWrongPassword);
        verifyNoSecret(*e, pg.password());
    }
}

void TestConnectionErrors::missingPassword() {
    const auto& pg = TestPostgres::instance();
    const auto e = openError(pg.tcpConninfo(m_db, pg.passwordUser()));
    QVERIFY2(e.has_value(), "connected without a password");
    QVERIFY2(e->kind() == DbError::Kind::Authentication, qPrintable(kindName(*e)));
    QVERIFY2(e->userMessage().contains(QStringLiteral("needs a password for user “quiver_pw”")),
             qPrintable(e->userMessage()));
}

void TestConnectionErrors::unknownUser() {
    const auto& pg = TestPostgres::instance();
    const auto e = openError(pg.tcpConninfo(m_db, QStringLiteral("nobody_here")) +
                             QStringLiteral(" password=") + kWrongPassword);
    QVERIFY(e.has_value());
    QVERIFY2(e->kind() == DbError::Kind::Authentication, qPrintable(kindName(*e)));
    QVERIFY(e->userMessage().contains(QStringLiteral("“nobody_here”")));
    verifyNoSecret(*e, kWrongPassword);
}

void TestConnectionErrors::closedTcpPort() {
    // A port that was free a moment ago: bind, note it, release it.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const QString conninfo =
        QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=alice password=%2 connect_timeout=5")
            .arg(port)
            .arg(kWrongPassword);
    const auto e = openError(conninfo);
    QVERIFY(e.has_value());
    QVERIFY2(e->kind() == DbError::Kind::Unreachable, qPrintable(kindName(*e)));
    QVERIFY(e->sqlState().isEmpty());
    QCOMPARE(e->userMessage(),
             QStringLiteral("Cannot reach the database server at 127.0.0.1:%1 (connection "
                            "refused). Check the host and port, and that the server is running.")
                 .arg(port));
    verifyNoSecret(*e, kWrongPassword);
}

void TestConnectionErrors::missingSocketDirectory() {
    const auto e = openError(QStringLiteral("host=/tmp/quiver-no-such-socket-dir port=5432 "
                                            "dbname=x user=alice"));
    QVERIFY(e.has_value());
    QVERIFY2(e->kind() == DbError::Kind::Unreachable, qPrintable(kindName(*e)));
    QVERIFY2(e->message().contains(QLatin1String("No such file or directory")),
             qPrintable(e->message()));
    QVERIFY2(e->userMessage().contains(QLatin1String("/tmp/quiver-no-such-socket-dir")),
             qPrintable(e->userMessage()));
    QVERIFY(e->userMessage().contains(QLatin1String("no such file or directory")));
}

void TestConnectionErrors::unknownHost() {
    // .invalid never resolves (RFC 6761); resolvers answer it at once, even offline.
    QElapsedTimer timer;
    timer.start();
    const auto e = openError(
        QStringLiteral("host=no-such-host.invalid dbname=x user=alice connect_timeout=5"));
    QVERIFY(e.has_value());
    QVERIFY2(e->kind() == DbError::Kind::Unreachable, qPrintable(kindName(*e)));
    QVERIFY2(e->message().contains(QLatin1String("could not translate host name")),
             qPrintable(e->message()));
    QVERIFY(e->userMessage().contains(QLatin1String("no-such-host.invalid")));
    QVERIFY(timer.elapsed() < 30000);
}

void TestConnectionErrors::tlsRefusedByOtherCa() {
    const auto& pg = TestPostgres::instance();
    const QString conninfo =
        QStringLiteral("host=localhost port=%1 dbname=%2 user=%3 password=%4 sslmode=verify-full "
                       "sslrootcert=%5 connect_timeout=5")
            .arg(pg.port())
            .arg(m_db, pg.passwordUser(), pg.password(), pg.otherCaPath());
    const auto e = openError(conninfo);
    QVERIFY2(e.has_value(), "a server certificate from another CA was accepted");
    QVERIFY2(e->kind() == DbError::Kind::Tls, qPrintable(kindName(*e)));
    QVERIFY2(e->message().contains(QLatin1String("certificate verify failed")),
             qPrintable(e->message()));
    QCOMPARE(e->userMessage(),
             QStringLiteral("The database server's TLS certificate was refused (certificate "
                            "verify failed). Check the root certificate, or choose a weaker "
                            "sslmode."));
    verifyNoSecret(*e, pg.password());
}

void TestConnectionErrors::tlsRootCertMissing() {
    const auto& pg = TestPostgres::instance();
    const auto e = openError(QStringLiteral("host=localhost port=%1 dbname=%2 user=%3 password=%4 "
                                            "sslmode=verify-ca sslrootcert=/nonexistent/root.crt")
                                 .arg(pg.port())
                                 .arg(m_db, pg.passwordUser(), pg.password()));
    QVERIFY(e.has_value());
    QVERIFY2(e->kind() == DbError::Kind::Tls, qPrintable(kindName(*e)));
    QVERIFY(e->userMessage().contains(QLatin1String("/nonexistent/root.crt")));
    verifyNoSecret(*e, pg.password());
}

void TestConnectionErrors::tlsAcceptedWithRightRoot() {
    const auto& pg = TestPostgres::instance();
    PgConnection c = PgConnection::open(
        QStringLiteral("host=localhost port=%1 dbname=%2 user=%3 password=%4 sslmode=verify-full "
                       "sslrootcert=%5 connect_timeout=5")
            .arg(pg.port())
            .arg(m_db, pg.passwordUser(), pg.password(), pg.rootCertPath()));
    QVERIFY(c.isOpen());
    QVERIFY(c.exec(QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                .toBool(0, 0));
    QCOMPARE(c.exec(QStringLiteral("SELECT current_user")).text(0, 0), pg.passwordUser());
}

void TestConnectionErrors::missingDatabase() {
    const auto e =
        openError(TestPostgres::instance().superuserConninfo(QStringLiteral("quiver_no_such_db")));
    QVERIFY(e.has_value());
    QVERIFY2(e->kind() == DbError::Kind::Connection, qPrintable(kindName(*e)));
    QCOMPARE(e->sqlState(), QStringLiteral("3D000"));
    QVERIFY2(e->userMessage().contains(QStringLiteral("no database “quiver_no_such_db”")),
             qPrintable(e->userMessage()));
}

void TestConnectionErrors::malformedConninfoDoesNotEchoIt() {
    // An unquoted password with a space: libpq would quote the fragment after it.
    const auto e = openError(QStringLiteral("host=db user=alice password=first leakyhalf"));
    QVERIFY(e.has_value());
    QCOMPARE(e->kind(), DbError::Kind::Connection);
    verifyNoSecret(*e, QStringLiteral("leakyhalf"));
    verifyNoSecret(*e, QStringLiteral("first"));

    const auto unterminated = openError(QStringLiteral("host=db password='s3cr3tvalue"));
    QVERIFY(unterminated.has_value());
    verifyNoSecret(*unterminated, QStringLiteral("s3cr3tvalue"));
}

QTEST_GUILESS_MAIN(TestConnectionErrors)
#include "tst_connection_errors.moc"
