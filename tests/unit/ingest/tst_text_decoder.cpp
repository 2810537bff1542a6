#include "core/ingest/read_error.h"
#include "core/ingest/text_decoder.h"

#include <QtTest>

using namespace quiver;

class TestTextDecoder : public QObject {
    Q_OBJECT
private slots:
    void utf8() {
        const auto d = TextDecoder::decode(QByteArray("na\xc3\xafve caf\xc3\xa9"));
        QCOMPARE(d.text, QStringLiteral("na\u00efve caf\u00e9"));
        QCOMPARE(d.encoding, QStringLiteral("UTF-8"));
    }
    void utf8WithBom() {
        QCOMPARE(TextDecoder::decode(QByteArray("\xef\xbb\xbfhello")).text,
                 QStringLiteral("hello"));
    }
    void utf16WithBom() {
        const QString text = QStringLiteral("h\u00e9llo w\u00f6rld");
        QByteArray le("\xff\xfe", 2);
        le.append(reinterpret_cast<const char*>(text.utf16()), text.size() * 2);
        const auto d = TextDecoder::decode(le);
        QCOMPARE(d.text, text);
        QCOMPARE(d.encoding, QStringLiteral("UTF-16LE"));
        QByteArray be("\xfe\xff", 2);
        for (QChar c : text) {
            be.append(char(c.unicode() >> 8));
            be.append(char(c.unicode() & 0xff));
        }
        QCOMPARE(TextDecoder::decode(be).text, text);
    }
    void legacy8Bit() {
        const QByteArray latin1("Le na\xefve gar\xe7on a mang\xe9 une cr\xe8me br\xfbl\xe9\x65 "
                                "dans un caf\xe9 pr\xe8s de la for\xeat, tr\xe8s d\xe9\x63u.\n");
        const auto d = TextDecoder::decode(latin1);
        QVERIFY2(d.text.contains(QStringLiteral("na\u00efve gar\u00e7on")), qPrintable(d.text));
        QVERIFY(d.encoding != QLatin1String("UTF-8"));
    }
    void damagedUtf8IsRefused() {
        try {
            TextDecoder::decode(QByteArray("caf\xc3\xa9 and then \xc3\x28 broken"));
            QFAIL("damaged UTF-8 was accepted");
        } catch (const ReadError& e) {
            QVERIFY2(e.reason().contains(QLatin1String("invalid UTF-8 at byte 15")),
                     qPrintable(e.reason()));
            QVERIFY(!e.deliberate());
        }
    }
    void nulBytesAreBinary() {
        QVERIFY_THROWS_EXCEPTION(ReadError, TextDecoder::decode(QByteArray("ab\0cd", 5)));
    }
};

QTEST_GUILESS_MAIN(TestTextDecoder)
#include "tst_text_decoder.moc"
