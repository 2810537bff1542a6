// sha256Hex against published test vectors and against QCryptographicHash on inputs of every
// length around the 64-byte block size.
#include "core/util/sha256.h"

#include <QCryptographicHash>
#include <QTest>

#include <random>

using quiver::sha256Hex;

class TestSha256 : public QObject {
    Q_OBJECT
private slots:
    void knownVectors();
    void agreesWithQtOnEveryLength();
};

void TestSha256::knownVectors() {
    QCOMPARE(sha256Hex(QByteArray()),
             QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(sha256Hex(QByteArray("abc")),
             QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(sha256Hex(QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
             QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

void TestSha256::agreesWithQtOnEveryLength() {
    std::mt19937 rng(7);
    for (int n = 0; n < 300; ++n) {
        QByteArray bytes(n, Qt::Uninitialized);
        for (char& c : bytes)
            c = static_cast<char>(rng() & 0xff);
        const QString expected = QString::fromLatin1(
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        QCOMPARE(sha256Hex(bytes), expected);
    }
}

QTEST_GUILESS_MAIN(TestSha256)
#include "tst_sha256.moc"
