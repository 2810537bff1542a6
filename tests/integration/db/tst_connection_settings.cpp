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
    void automaticSslModeFollowsTheHost_data();
    void automaticSslModeFollowsTheHost();
    void explicitSslModeIsKept_data();
    void explicitSslModeIsKept();
    void automaticSslModeIsNotWritten();
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
    QVERIFY2(loaded.sslMode.isEmpty(), qPrintable(loaded.sslMode)); // never chosen: automatic
    QCOMPARE(loaded.port, 5432);
    QVERIFY(ConnectionSettings::isValidSslMode(QStringLiteral("verify-ca")));
    QVERIFY(!ConnectionSettings::isValidSslMode(QStringLiteral("VERIFY-CA")));
}

void TestConnectionSettings::automaticSslModeFollowsTheHost_data() {
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("rootCert");
    QTest::addColumn<QString>("expected");
    const QString none;
    const QString cert = QStringLiteral("/etc/ssl/quiver-root.crt");
    // Traffic that leaves this computer is never sent in plaintext by default.
    QTest::newRow("host name") << QStringLiteral("db.example.com") << none
                               << QStringLiteral("require");
    QTest::newRow("private address")
        << QStringLiteral("10.0.0.5") << none << QStringLiteral("require");
    QTest::newRow("IPv6 address") << QStringLiteral("2001:db8::7") << none
                                  << QStringLiteral("require");
    QTest::newRow("a remote host in a list")
        << QStringLiteral("localhost,db.example.com") << none << QStringLiteral("require");
    QTest::newRow("not quite loopback")
        << QStringLiteral("localhost.example.com") << none << QStringLiteral("require");
    // A named root certificate: the authority is checked, and the host name with it.
    QTest::newRow("host name with root certificate")
        << QStringLiteral("db.example.com") << cert << QStringLiteral("verify-full");
    QTest::newRow("loopback with root certificate")
        << QStringLiteral("127.0.0.1") << cert << QStringLiteral("verify-full");
    // Sockets and loopback stay as they were.
    QTest::newRow("localhost") << QStringLiteral("localhost") << none << QStringLiteral("prefer");
    QTest::newRow("LOCALHOST") << QStringLiteral("LOCALHOST") << none << QStringLiteral("prefer");
    QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1") << none << QStringLiteral("prefer");
    QTest::newRow("127.8.9.10") << QStringLiteral("127.8.9.10") << none << QStringLiteral("prefer");
    QTest::newRow("::1") << QStringLiteral("::1") << none << QStringLiteral("prefer");
    QTest::newRow("socket directory")
        << QStringLiteral("/var/run/postgresql") << none << QStringLiteral("prefer");
    QTest::newRow("abstract socket")
        << QStringLiteral("@quiver") << none << QStringLiteral("prefer");
    QTest::newRow("libpq's default socket") << QString() << none << QStringLiteral("prefer");
    QTest::newRow("local list") << QStringLiteral("/tmp, 127.0.0.1,localhost") << none
                                << QStringLiteral("prefer");
}

void TestConnectionSettings::automaticSslModeFollowsTheHost() {
    QFETCH(QString, host);
    QFETCH(QString, rootCert);
    QFETCH(QString, expected);
    ConnectionSettings s;
    s.mode = ConnectionSettings::Mode::Server;
    s.host = host;
    s.user = QStringLiteral("alice");
    s.sslRootCert = rootCert;
    QVERIFY(s.sslMode.isEmpty()); // a new server's mode is the automatic one
    QCOMPARE(s.effectiveSslMode(), expected);
    QCOMPARE(parseWithLibpq(s.conninfo()).value(QStringLiteral("sslmode")), expected);
}

void TestConnectionSettings::explicitSslModeIsKept_data() {
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("mode");
    for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}) {
        for (const char* host : {"db.example.com", "127.0.0.1", "/var/run/postgresql"})
            QTest::addRow("%s on %s", mode, host)
                << QString::fromLatin1(host) << QString::fromLatin1(mode);
    }
}

void TestConnectionSettings::explicitSslModeIsKept() {
    QFETCH(QString, host);
    QFETCH(QString, mode);
    ConnectionSettings s = serverSettings();
    s.host = host;
    s.sslMode = mode;
    QCOMPARE(s.effectiveSslMode(), mode);
    QCOMPARE(parseWithLibpq(s.conninfo()).value(QStringLiteral("sslmode")), mode);
    // And it survives being saved.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("quiver.ini")), QSettings::IniFormat);
    s.save(settings);
    QCOMPARE(ConnectionSettings::load(settings).sslMode, mode);
}

void TestConnectionSettings::automaticSslModeIsNotWritten() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("quiver.ini"));
    ConnectionSettings s = serverSettings();
    s.sslMode.clear();
    s.sslRootCert.clear();
    {
        QSettings settings(path, QSettings::IniFormat);
        settings.setValue(QStringLiteral("connection/sslMode"), QStringLiteral("verify-ca"));
        s.save(settings); // a mode chosen earlier and taken back
        settings.sync();
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    QVERIFY2(!contents.contains("sslMode"), contents.constData());
    const QSettings settings(path, QSettings::IniFormat);
    const ConnectionSettings loaded = ConnectionSettings::load(settings);
    QVERIFY(loaded == s);
    QCOMPARE(parseWithLibpq(loaded.conninfo()).value(QStringLiteral("sslmode")),
             QStringLiteral("require"));
}

QTEST_GUILESS_MAIN(TestConnectionSettings)
#include "tst_connection_settings.moc"
