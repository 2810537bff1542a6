// Integration test of SecretStore against a real Secret Service: gnome-keyring in a private
// D-Bus session, started by tests/harness/with_keychain.sh.
#include "core/secrets/secret_store.h"

#include <QAtomicInt>
#include <QDirIterator>
#include <QFile>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QThread>
#include <QUuid>
#include <QtTest>

using namespace quiver;

class TestSecretStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void writeReadOverwriteRemove();
    void missingKeyIsNotFound();
    void blockingCallsWorkFromThreadWithoutEventLoop();
    void asyncDeliversOnTheContextThread();
    void asyncDeliversOnAWorkerContextThread();
    void asyncIsDroppedWhenTheContextIsGone();
    void secretIsWrittenToNoFile();
    void missingSecretServiceIsExplained();

private:
    QString key(const QString& name) const { return m_prefix + name; }

    QString m_prefix;
    SecretStore m_store{QStringLiteral("Quiver test")};
};

void TestSecretStore::initTestCase() {
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through ctest, which starts a D-Bus session with gnome-keyring");
    m_prefix = QStringLiteral("tst-%1/").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
}

void TestSecretStore::writeReadOverwriteRemove() {
    const QString k = key(QStringLiteral("round-trip"));
    SecretResult r = m_store.write(k, QStringLiteral("first sécret"));
    QVERIFY2(r.ok, qPrintable(r.error));

    r = m_store.read(k);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.notFound);
    QCOMPARE(r.value, QStringLiteral("first sécret"));

    QVERIFY(m_store.write(k, QStringLiteral("second")).ok);
    QCOMPARE(m_store.read(k).value, QStringLiteral("second"));

    r = m_store.remove(k);
    QVERIFY2(r.ok, qPrintable(r.error));
    r = m_store.read(k);
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY(r.value.isEmpty());
}

void TestSecretStore::missingKeyIsNotFound() {
    const SecretResult r = m_store.read(key(QStringLiteral("never-written")));
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY(r.error.contains(QStringLiteral("never-written")));

    const SecretResult removed = m_store.remove(key(QStringLiteral("never-written")));
    QVERIFY2(removed.ok, qPrintable(removed.error)); // removing nothing is not a failure
}

void TestSecretStore::blockingCallsWorkFromThreadWithoutEventLoop() {
    const QString k = key(QStringLiteral("from-thread"));
    SecretResult written, read, removed;
    int loopLevel = -1;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        loopLevel = QThread::currentThread()->loopLevel();
        written = m_store.write(k, QStringLiteral("thread secret"));
        read = m_store.read(k);
        removed = m_store.remove(k);
    }));
    thread->start();
    QVERIFY(thread->wait(QDeadlineTimer(60'000)));
    QCOMPARE(loopLevel, 0); // no event loop ran in that thread
    QVERIFY2(written.ok, qPrintable(written.error));
    QVERIFY2(read.ok, qPrintable(read.error));
    QCOMPARE(read.value, QStringLiteral("thread secret"));
    QVERIFY2(removed.ok, qPrintable(removed.error));
    QVERIFY(m_store.read(k).notFound);
}

void TestSecretStore::asyncDeliversOnTheContextThread() {
    const QString k = key(QStringLiteral("async"));
    QObject context;
    QList<SecretResult> results;
    QList<QThread*> threads;
    auto collect = [&](const SecretResult& r) {
        results << r;
        threads << QThread::currentThread();
    };
    m_store.writeAsync(k, QStringLiteral("async secret"), &context, collect);
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 30'000);
    m_store.readAsync(k, &context, collect);
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 2, 30'000);
    m_store.removeAsync(k, &context, collect);
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 3, 30'000);

    QVERIFY2(results.at(0).ok, qPrintable(results.at(0).error));
    QVERIFY2(results.at(1).ok, qPrintable(results.at(1).error));
    QCOMPARE(results.at(1).value, QStringLiteral("async secret"));
    QVERIFY2(results.at(2).ok, qPrintable(results.at(2).error));
    for (QThread* t : std::as_const(threads))
        QCOMPARE(t, QThread::currentThread());
}

void TestSecretStore::asyncDeliversOnAWorkerContextThread() {
    const QString k = key(QStringLiteral("worker"));
    QVERIFY(m_store.write(k, QStringLiteral("worker secret")).ok);
    QThread worker;
    worker.start();
    auto* context = new QObject;
    context->moveToThread(&worker);
    QMutex mutex;
    QThread* deliveredOn = nullptr;
    SecretResult result;
    QAtomicInt done;
    m_store.readAsync(k, context, [&](const SecretResult& r) {
        QMutexLocker lock(&mutex);
        deliveredOn = QThread::currentThread();
        result = r;
        done.storeRelease(1);
    });
    QTRY_VERIFY_WITH_TIMEOUT(done.loadAcquire() == 1, 30'000);
    {
        QMutexLocker lock(&mutex);
        QCOMPARE(deliveredOn, &worker);
        QCOMPARE(result.value, QStringLiteral("worker secret"));
    }
    context->deleteLater();
    worker.quit();
    QVERIFY(worker.wait(QDeadlineTimer(10'000)));
    QVERIFY(m_store.remove(k).ok);
}

void TestSecretStore::asyncIsDroppedWhenTheContextIsGone() {
    const QString k = key(QStringLiteral("gone"));
    QVERIFY(m_store.write(k, QStringLiteral("gone secret")).ok);
    bool called = false;
    auto* context = new QObject;
    m_store.readAsync(k, context, [&](const SecretResult&) { called = true; });
    delete context;
    // Jobs run one after the other: once this one is answered, the earlier one was too.
    QVERIFY(m_store.read(k).ok);
    QCoreApplication::processEvents();
    QVERIFY(!called);

    // Control: with a live context the same call is delivered.
    QObject alive;
    m_store.readAsync(k, &alive, [&](const SecretResult&) { called = true; });
    QTRY_VERIFY_WITH_TIMEOUT(called, 30'000);
    QVERIFY(m_store.remove(k).ok);
}

void TestSecretStore::secretIsWrittenToNoFile() {
    QByteArray canary = "quiver-canary-";
    for (int i = 0; i < 4; ++i)
        canary += QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    const QString k = key(QStringLiteral("canary"));
    QVERIFY(m_store.write(k, QString::fromLatin1(canary)).ok);
    QCOMPARE(m_store.read(k).value, QString::fromLatin1(canary));

    const QByteArray canaryUtf16(reinterpret_cast<const char*>(QString::fromLatin1(canary).utf16()),
                                 canary.size() * 2);
    QStringList roots{QDir::homePath()};
    for (const char* var :
         {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"}) {
        const QString dir = qEnvironmentVariable(var);
        if (!dir.isEmpty() && !dir.startsWith(QDir::homePath()))
            roots << dir;
    }
    int scanned = 0;
    bool keyringFileSeen = false;
    for (const QString& root : std::as_const(roots)) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileInfo info = it.fileInfo();
            if (!info.isFile() || info.isSymLink())
                continue; // sockets and the like
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray content = f.readAll();
            ++scanned;
            if (path.contains(QStringLiteral("/keyrings/")))
                keyringFileSeen = true;
            QVERIFY2(!content.contains(canary) && !content.contains(canaryUtf16),
                     qPrintable(QStringLiteral("the secret is in plain text in %1").arg(path)));
        }
    }
    QVERIFY(scanned > 0);
    QVERIFY2(keyringFileSeen,
             "gnome-keyring's keyring file was not found under the home directory");
    QVERIFY(m_store.remove(k).ok);
}

void TestSecretStore::missingSecretServiceIsExplained() {
    QProcess probe;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=/nonexistent/bus"));
    env.remove(QStringLiteral("DISPLAY"));
    probe.setProcessEnvironment(env);
    probe.start(QString::fromUtf8(QUIVER_SECRET_PROBE), {key(QStringLiteral("probe"))});
    QVERIFY(probe.waitForFinished(60'000));
    const QString out = QString::fromUtf8(probe.readAllStandardOutput());
    QCOMPARE(probe.exitCode(), 1);
    QVERIFY2(
        out.startsWith(QStringLiteral("The system keychain is not available (no Secret Service "
                                      "is running). Quiver stores passwords and API keys only "
                                      "in the keychain.")),
        qPrintable(out + QString::fromUtf8(probe.readAllStandardError())));
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secret_store.moc"
