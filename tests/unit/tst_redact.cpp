#include "core/util/redact.h"

#include <QTest>

class TestRedact : public QObject {
    Q_OBJECT
private slots:
    void redacts_data();
    void redacts();
};

void TestRedact::redacts_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::newRow("conninfo") << QStringLiteral("host=db user=u password=hunter2 dbname=x")
                              << QStringLiteral("hunter2");
    QTest::newRow("conninfo quoted")
        << QStringLiteral("password='a b\\'c' host=x") << QStringLiteral("a b");
    QTest::newRow("url") << QStringLiteral("postgresql://alice:s3cr3t@db.example/quiver")
                         << QStringLiteral("s3cr3t");
    QTest::newRow("bearer") << QStringLiteral("Authorization: Bearer abcdef123456")
                            << QStringLiteral("abcdef123456");
    QTest::newRow("api key") << QStringLiteral("key sk-proj-ABCDEFGH12345678 rejected")
                             << QStringLiteral("ABCDEFGH12345678");
}

void TestRedact::redacts() {
    QFETCH(QString, input);
    QFETCH(QString, secret);
    const QString out = quiver::redactSecrets(input);
    QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("***")));
}

QTEST_GUILESS_MAIN(TestRedact)
#include "tst_redact.moc"
