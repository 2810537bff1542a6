#include "core/db/db_error.h"

#include <QTest>

using quiver::DbError;

class TestDbError : public QObject {
    Q_OBJECT
private slots:
    void redactsSecretsInMessage();
    void userMessages_data();
    void userMessages();
    void isARuntimeError();
};

void TestDbError::redactsSecretsInMessage() {
    DbError e(DbError::Kind::Connection,
              QStringLiteral("bad conninfo host=db password=hunter2 user=x"));
    e.setDetail(QStringLiteral("Authorization: Bearer abcdef123456"));
    QVERIFY(!e.message().contains(QLatin1String("hunter2")));
    QVERIFY(!QString::fromUtf8(e.what()).contains(QLatin1String("hunter2")));
    QVERIFY(!e.userMessage().contains(QLatin1String("hunter2")));
    QVERIFY(!e.detail().contains(QLatin1String("abcdef123456")));
}

void TestDbError::userMessages_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<QString>("expected");
    const auto k = [](DbError::Kind kind) { return static_cast<int>(kind); };
    QTest::newRow("closed") << k(DbError::Kind::Closed)
                            << QStringLiteral("FATAL:  terminating connection due to "
                                              "administrator command")
                            << QStringLiteral("57P01")
                            << QStringLiteral("The connection to the database server was lost "
                                              "(terminating connection due to administrator "
                                              "command). Try again; if it keeps happening, check "
                                              "that the server is running and the network is "
                                              "up.");
    QTest::newRow("copy") << k(DbError::Kind::Copy)
                          << QStringLiteral("invalid input syntax for type integer: \"x\"")
                          << QStringLiteral("22P02")
                          << QStringLiteral("The database refused the data being imported "
                                            "(invalid input syntax for type integer: \"x\"). "
                                            "Nothing from this batch was stored.");
    QTest::newRow("query") << k(DbError::Kind::Query)
                           << QStringLiteral("relation \"x\" does not exist")
                           << QStringLiteral("42P01")
                           << QStringLiteral("The database reported an error: relation \"x\" "
                                             "does not exist (SQLSTATE 42P01).");
    QTest::newRow("tls") << k(DbError::Kind::Tls)
                         << QStringLiteral("connection to server at \"h\" (1.2.3.4), port 5432 "
                                           "failed: SSL error: certificate verify failed")
                         << QString()
                         << QStringLiteral("The database server's TLS certificate was refused "
                                           "(certificate verify failed). Check the root "
                                           "certificate, or choose a weaker sslmode.");
}

void TestDbError::userMessages() {
    QFETCH(int, kind);
    QFETCH(QString, message);
    QFETCH(QString, sqlState);
    QFETCH(QString, expected);
    const DbError e(static_cast<DbError::Kind>(kind), message, sqlState);
    QCOMPARE(e.userMessage(), expected);
    QCOMPARE(e.sqlState(), sqlState);
}

void TestDbError::isARuntimeError() {
    try {
        throw DbError::schemaTooNew(7, 1);
    } catch (const std::runtime_error& e) {
        QVERIFY(QString::fromUtf8(e.what()).contains(QLatin1String("7")));
    }
    const DbError e = DbError::schemaTooNew(7, 1);
    QCOMPARE(e.kind(), DbError::Kind::SchemaTooNew);
    QCOMPARE(e.userMessage(),
             QStringLiteral("This database was set up by a newer Quiver (schema version 7; this "
                            "Quiver knows up to 1). Update Quiver to use it."));
}

QTEST_GUILESS_MAIN(TestDbError)
#include "tst_db_error.moc"
