// No part of a password in a connection string, however malformed, reaches an error message or
// a description. Connections go to 127.0.0.1:1, where nothing listens.
#include "core/db/conninfo_check.h"
#include "core/db/db_error.h"
#include "core/db/pg_connection.h"
#include "core/session/database_opener.h"
#include "core/session/database_target.h"

#include <QSettings>
#include <QTest>

using quiver::DbError;
using quiver::PgConnection;

class TestConninfoHygiene : public QObject {
    Q_OBJECT
private slots:
    void malformedInputsNeverEchoTheSecret_data();
    void malformedInputsNeverEchoTheSecret();
    void describeShowsNoPassword();
};

void TestConninfoHygiene::malformedInputsNeverEchoTheSecret_data() {
    QTest::addColumn<QString>("conninfo");
    QTest::addColumn<QString>("secret");   // what must not appear, nor any 4 characters of it
    QTest::addColumn<QString>("expected"); // a word of the explanation
    const auto row = [](const char* name, const char* conninfo, const char* secret,
                        const char* expected) {
        QTest::newRow(name) << QString::fromUtf8(conninfo) << QString::fromUtf8(secret)
                            << QString::fromUtf8(expected);
    };
    row("bad percent escape", "postgresql://u:pa%zzss@h/db", "pa%zzss", "%-escape");
    row("%00 in password", "postgresql://u:pw%00xyzw@h/db", "pw%00xyzw", "%00");
    row("slash in URL password", "postgresql://u:qz7k/w9x@127.0.0.1:1/db", "qz7k", "port");
    row("at sign in URL password", "postgresql://u:se@cretpw@127.0.0.1:1/db", "cretpw", "%40");
    row("unclosed IPv6", "postgresql://u:passw0rd@[::1/db", "passw0rd", "IPv6");
    row("unterminated quote", "host=127.0.0.1 port=1 password='unterminated", "unterminated",
        "quoted");
    row("missing equals", "host=127.0.0.1 port=1 zq8mfrw3", "zq8mfrw3", "\"=\"");
    row("password as option name", "host=127.0.0.1 hunter2hunter=1", "hunter2hunter", "option");
    row("password in sslmode", "postgresql://u:pw@127.0.0.1:1/db?sslmode=topsecret9", "topsecret9",
        "sslmode");
    row("password in URL parameter name", "postgresql://u:pw@127.0.0.1:1/db?topsecret9=1",
        "topsecret9", "parameter");
    row("password in port", "host=127.0.0.1 port=sekrit99", "sekrit99", "port");
    row("password in timeout", "postgresql://u:pw@127.0.0.1:1/db?connect_timeout=sekrit99",
        "sekrit99", "connect_timeout");
    row("well-formed, refused", "postgresql://u:wellformed77@127.0.0.1:1/db", "wellformed77",
        "reach");
    row("key=value, refused", "host=127.0.0.1 port=1 user=u password=kv-secret-55", "kv-secret-55",
        "reach");
}

void TestConninfoHygiene::malformedInputsNeverEchoTheSecret() {
    QFETCH(QString, conninfo);
    QFETCH(QString, secret);
    QFETCH(QString, expected);
    QStringList texts;
    try {
        PgConnection::open(conninfo);
        QFAIL("connected to nothing");
    } catch (const DbError& e) {
        texts << e.message() << e.userMessage() << e.detail() << QString::fromUtf8(e.what())
              << quiver::userMessageFor(e);
        QVERIFY2(e.userMessage().contains(expected), qPrintable(e.userMessage()));
        QVERIFY2(!e.userMessage().contains(QLatin1String("default local socket")),
                 qPrintable(e.userMessage()));
    }
    quiver::DatabaseTarget target;
    target.source = quiver::DatabaseTarget::Source::CommandLine;
    target.conninfo = conninfo;
    texts << target.describe() << quiver::describeConninfo(conninfo);
    for (const QString& text : texts) {
        QVERIFY2(!text.contains(secret), qPrintable(text));
        for (qsizetype i = 0; i + 4 <= secret.size(); ++i)
            QVERIFY2(!text.contains(secret.mid(i, 4)),
                     qPrintable(text + QStringLiteral(" / ") + secret.mid(i, 4)));
    }
}

void TestConninfoHygiene::describeShowsNoPassword() {
    QCOMPARE(quiver::describeConninfo(QStringLiteral("postgresql://alice:pw1234@db.example.com:"
                                                     "5433/notes")),
             QStringLiteral("alice@db.example.com:5433/notes"));
    QCOMPARE(quiver::describeConninfo(QStringLiteral("host=/run/pg dbname=q password=pw1234")),
             QStringLiteral("/run/pg/q"));
}

QTEST_GUILESS_MAIN(TestConninfoHygiene)
#include "tst_conninfo_hygiene.moc"
