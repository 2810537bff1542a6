#include "core/db/connection_settings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <libpq-fe.h>

using quiver::ConnectionSettings;

namespace {

// What libpq itself makes of a conninfo string: the proof that quoting is right.
QMap<QString, QString> parseWithLibpq(const QString& conninfo) {
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.toUtf8().constData(), &err);
    if (!options) {
        const QString msg = QString::fromUtf8(err ? err : "?");
        PQfreemem(err);
        throw std::runtime_error(msg.toStdString());
    }
    QMap<QString, QString> out;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (o->val)
            out.insert(QString::fromUtf8(o->keyword), QString::fromUtf8(o->val));
    }
    PQconninfoFree(options);
    return out;
}

ConnectionSettings serverSettings() {
    ConnectionSettings s;
    s.mode = ConnectionSettings::Mode::Server;
    s.host = QStringLiteral("db.example.com");
    s.port = 6543;
    s.database = QStringLiteral("docs");
    s.user = QStringLiteral("alice");
    s.sslMode = QStringLiteral("verify-full");
    s.sslRootCert = QStringLiteral("/etc/ssl/My Certs/root.crt");
    return s;
}

} // namespace

class TestConnectionSettings : public QObject {
    Q_OBJECT
private slots:
    void quotingRoundTripsThroughLibpq_data();
    void quotingRoundTripsThroughLibpq();
    void plainValuesStayReadable();
    void passwordOnlyWhenGiven();
    void privateModeLeavesOutTls();
    void keychainKey();
    void saveLoadRoundTrip();
    void saveRemovesStrayPassword();
    void loadRejectsBadValues();
};

void TestConnectionSettings::quotingRoundTripsThroughLibpq_data() {
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("password");
    QTest::newRow("plain") << QStringLiteral("alice") << QStringLiteral("quiver")
                           << QStringLiteral("hunter2");
    QTest::newRow("spaces") << QStringLiteral("Alice Smith") << QStringLiteral("my docs")
                            << QStringLiteral("correct horse battery staple");
    QTest::newRow("quotes") << QStringLiteral("O'Brien") << QStringLiteral("it's \"x\"")
                            << QStringLiteral("pa'ss\"word");
    QTest::newRow("backslashes") << QStringLiteral("dom\\user") << QStringLiteral("a\\'b")
                                 << QStringLiteral("\\\\'\\");
    QTest::newRow("equals and unicode")
        << QStringLiteral("ünï=cödé") << QStringLiteral("数据") << QStringLiteral("p=w 🔑");
    QTest::newRow("injected keyword")
        << QStringLiteral("bob sslmode=disable") << QStringLiteral("x' host='evil")
        << QStringLiteral("pw' host='evil.example");
}

void TestConnectionSettings::quotingRoundTripsThroughLibpq() {
    QFETCH(QString, user);
    QFETCH(QString, database);
    QFETCH(QString, password);
    ConnectionSettings s = serverSettings();
    s.user = user;
    s.database = database;
    const auto parsed = parseWithLibpq(s.conninfo(password));
    QCOMPARE(parsed.value(QStringLiteral("user")), user);
    QCOMPARE(parsed.value(QStringLiteral("dbname")), database);
    QCOMPARE(parsed.value(QStringLiteral("password")), password);
    QCOMPARE(parsed.value(QStringLiteral("host")), QStringLiteral("db.example.com"));
    QCOMPARE(parsed.value(QStringLiteral("port")), QStringLiteral("6543"));
    QCOMPARE(parsed.value(QStringLiteral("sslmode")), QStringLiteral("verify-full"));
    QCOMPARE(parsed.value(QStringLiteral("sslrootcert")),
             QStringLiteral("/etc/ssl/My Certs/root.crt"));
}

void TestConnectionSettings::plainValuesStayReadable() {
    ConnectionSettings s = serverSettings();
    s.sslRootCert = QStringLiteral("/etc/ssl/it's.crt");
    QCOMPARE(s.conninfo(), QStringLiteral("host=db.example.com port=6543 dbname=docs user=alice "
                                          "sslmode=verify-full sslrootcert='/etc/ssl/it\\'s.crt'"));
    QCOMPARE(ConnectionSettings::quoteConninfoValue(QString()), QStringLiteral("''"));
    QCOMPARE(ConnectionSettings::quoteConninfoValue(QStringLiteral("a b")),
             QStringLiteral("'a b'"));
    QCOMPARE(ConnectionSettings::quoteConninfoValue(QStringLiteral("a\\b")),
             QStringLiteral("'a\\\\b'"));
}

void TestConnectionSettings::passwordOnlyWhenGiven() {
    const ConnectionSettings s = serverSettings();
    QVERIFY(!s.conninfo().contains(QLatin1String("password")));
    QVERIFY(!s.conninfo(QString()).contains(QLatin1String("password")));
    QVERIFY(s.conninfo(QStringLiteral("s3cret")).endsWith(QLatin1String(" password=s3cret")));
}

void TestConnectionSettings::privateModeLeavesOutTls() {
    ConnectionSettings s;
    s.host = QStringLiteral("/home/u/.local/share/Quiver/pg/socket");
    s.user = QStringLiteral("u");
    s.sslMode = QStringLiteral("require");
    const auto parsed = parseWithLibpq(s.conninfo());
    QVERIFY(!parsed.contains(QStringLiteral("sslmode")));
    QCOMPARE(parsed.value(QStringLiteral("host")), s.host);
    QCOMPARE(parsed.value(QStringLiteral("dbname")), QStringLiteral("quiver"));
    QCOMPARE(parsed.value(QStringLiteral("port")), QStringLiteral("5432"));

    ConnectionSettings empty;
    empty.database.clear();
    QCOMPARE(empty.conninfo(), QStringLiteral("port=5432"));
}

void TestConnectionSettings::keychainKey() {
    QCOMPARE(serverSettings().keychainKey(),
             QStringLiteral("db-password/alice@db.example.com:6543/docs"));
    ConnectionSettings s;
    s.user = QStringLiteral("bob");
    s.host = QStringLiteral("10.0.0.5");
    QCOMPARE(s.keychainKey(), QStringLiteral("db-password/bob@10.0.0.5:5432/quiver"));
}

void TestConnectionSettings::saveLoadRoundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("quiver.ini"));
    const ConnectionSettings original = serverSettings();
    {
        QSettings settings(path, QSettings::IniFormat);
        original.save(settings);
        settings.sync();
        QCOMPARE(settings.status(), QSettings::NoError);
    }
    {
        const QSettings settings(path, QSettings::IniFormat);
        const ConnectionSettings loaded = ConnectionSettings::load(settings);
        QVERIFY(loaded == original);
        QCOMPARE(loaded.mode, ConnectionSettings::Mode::Server);
        QCOMPARE(loaded.port, 6543);
        QCOMPARE(loaded.sslRootCert, original.sslRootCert);
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    QVERIFY(contents.contains("[connection]"));
    QVERIFY(contents.contains("db.example.com"));
    QVERIFY2(!contents.toLower().contains("password"), contents.constData());

    // Defaults come back from an empty file.
    const QSettings none(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    QVERIFY(ConnectionSettings::load(none) == ConnectionSettings());
}

void TestConnectionSettings::saveRemovesStrayPassword() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("quiver.ini"));
    {
        QSettings settings(path, QSettings::IniFormat);
        settings.setValue(QStringLiteral("connection/password"), QStringLiteral("hunter2"));
        settings.sync();
    }
    {
        QSettings settings(path, QSettings::IniFormat);
        serverSettings().save(settings);
        settings.sync();
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    QVERIFY2(!contents.contains("hunter2"), contents.constData());
    QVERIFY(!contents.toLower().contains("password"));
}

void TestConnectionSettings::loadRejectsBadValues() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("bad.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("connection/mode"), QStringLiteral("server"));
    settings.setValue(QStringLiteral("connection/sslMode"), QStringLiteral("yes-please"));
    settings.setValue(QStringLiteral("connection/port"), QStringLiteral("99999"));
    const ConnectionSettings loaded = ConnectionSettings::load(settings);
    QCOMPARE(loaded.mode, ConnectionSettings::Mode::Server);
    QCOMPARE(loaded.sslMode, QStringLiteral("prefer"));
    QCOMPARE(loaded.port, 5432);
    QVERIFY(ConnectionSettings::isValidSslMode(QStringLiteral("verify-ca")));
    QVERIFY(!ConnectionSettings::isValidSslMode(QStringLiteral("VERIFY-CA")));
}

QTEST_GUILESS_MAIN(TestConnectionSettings)
#include "tst_connection_settings.moc"
