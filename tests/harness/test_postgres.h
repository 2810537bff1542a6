#pragma once

#include <QString>

namespace quiver::test {

// The PostgreSQL server started by the ctest fixture (tests/harness/pg_fixture.sh) for the
// `db` tests. Each test creates its own databases, so tests never see each other's rows.
class TestPostgres {
public:
    // Reads the fixture's environment; QFAIL-worthy problems are thrown as std::runtime_error
    // so that a missing fixture fails loudly instead of skipping.
    static const TestPostgres& instance();

    // conninfo for the superuser over the Unix socket.
    QString superuserConninfo(const QString& dbname = QStringLiteral("postgres")) const;
    // conninfo over TCP on 127.0.0.1, for password and TLS tests (no password included).
    QString tcpConninfo(const QString& dbname, const QString& user) const;

    // Creates a new, empty database with a unique name and returns its superuser conninfo.
    QString createDatabase(const QString& prefix = QStringLiteral("t")) const;
    void dropDatabase(const QString& conninfo) const;

    QString socketDir() const { return m_socket; }
    int port() const { return m_port; }
    QString superuser() const { return m_superuser; }
    QString passwordUser() const { return m_passwordUser; }
    QString password() const { return m_password; }
    QString rootCertPath() const { return m_rootCert; }
    QString otherCaPath() const { return m_otherCa; }
    QString binDir() const { return m_binDir; }

private:
    TestPostgres();
    void runSuperuserSql(const QString& sql) const;

    QString m_socket;
    int m_port = 0;
    QString m_superuser;
    QString m_passwordUser;
    QString m_password;
    QString m_rootCert;
    QString m_otherCa;
    QString m_binDir;
};

} // namespace quiver::test
