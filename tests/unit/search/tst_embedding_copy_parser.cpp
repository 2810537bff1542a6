// The binary COPY decoder, on streams built byte by byte as PostgreSQL sends them.
#include "core/search/embedding_copy_parser.h"

#include <QTest>

#include <cstring>

using namespace quiver;

namespace {

void put32(QByteArray& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8)
        b.append(static_cast<char>((v >> s) & 0xff));
}
void put64(QByteArray& b, std::uint64_t v) {
    put32(b, static_cast<std::uint32_t>(v >> 32));
    put32(b, static_cast<std::uint32_t>(v));
}
void put16(QByteArray& b, std::uint16_t v) {
    b.append(static_cast<char>(v >> 8));
    b.append(static_cast<char>(v & 0xff));
}

QByteArray header() {
    QByteArray b("PGCOPY\n\377\r\n", 10);
    b.append('\0');
    put32(b, 0);
    put32(b, 0);
    return b;
}

// A row as kPassageKeyColumns and the vector make it: chunk, collection, type hash, day.
QByteArray tuple(std::int64_t chunk, std::int64_t collection, const std::vector<float>& v,
                 std::uint32_t elemType = 700, std::int64_t typeHash = 0xdeadbeef,
                 std::int64_t day = 20500) {
    QByteArray b;
    put16(b, 5);
    for (const std::int64_t key : {chunk, collection, typeHash, day}) {
        put32(b, 8);
        put64(b, static_cast<std::uint64_t>(key));
    }
    put32(b, static_cast<std::uint32_t>(20 + 8 * v.size()));
    put32(b, 1);
    put32(b, 0);
    put32(b, elemType);
    put32(b, static_cast<std::uint32_t>(v.size()));
    put32(b, 1);
    for (const float f : v) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        put32(b, 4);
        put32(b, bits);
    }
    return b;
}

QByteArray trailer() {
    QByteArray b;
    put16(b, 0xffff);
    return b;
}

} // namespace

class TestEmbeddingCopyParser : public QObject {
    Q_OBJECT
private slots:
    void decodesRowsWhateverTheCuts_data() {
        QTest::addColumn<int>("piece");
        QTest::newRow("whole") << 100000;
        QTest::newRow("byte by byte") << 1;
        QTest::newRow("odd pieces") << 7;
    }
    void decodesRowsWhateverTheCuts() {
        QFETCH(int, piece);
        const QByteArray stream =
            header() + tuple(42, 3, {1.5f, -2.0f, 0.25f}) +
            tuple(-1, 9'000'000'000, {0.0f, 1e-30f, 3.0e38f}, 700, 0xffffffff, -3) + trailer();
        std::vector<std::int64_t> chunks;
        std::vector<std::vector<float>> vectors;
        EmbeddingCopyParser p([&](const PassageKeys& k, const std::vector<float>& v) {
            chunks.insert(chunks.end(), {k.chunkId, k.collectionId, k.typeHash, k.importDay});
            vectors.push_back(v);
        });
        for (qsizetype i = 0; i < stream.size(); i += piece)
            p.feed(stream.constData() + i,
                   static_cast<int>(std::min<qsizetype>(piece, stream.size() - i)));
        QVERIFY(p.finished());
        QCOMPARE(p.rows(), std::int64_t{2});
        QCOMPARE(p.dimensions(), 3);
        QCOMPARE(chunks, (std::vector<std::int64_t>{42, 3, 0xdeadbeef, 20500, -1, 9'000'000'000,
                                                    0xffffffff, -3}));
        QCOMPARE(vectors[0], (std::vector<float>{1.5f, -2.0f, 0.25f}));
        QCOMPARE(vectors[1], (std::vector<float>{0.0f, 1e-30f, 3.0e38f}));
    }
    void refusesMalformedStreams() {
        EmbeddingCopyParser p([](const PassageKeys&, const std::vector<float>&) {});
        const QByteArray bad("NOTCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, p.feed(bad.constData(), bad.size()));

        EmbeddingCopyParser wrongType([](const PassageKeys&, const std::vector<float>&) {});
        const QByteArray doubles = header() + tuple(1, 1, {1.0f, 2.0f}, 701);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 wrongType.feed(doubles.constData(), doubles.size()));
    }
    // Two lengths under one model are not a malformed stream: each row keeps its own, and the
    // reader (the index) decides what to leave out.
    void deliversRowsOfAnyLength() {
        std::vector<std::size_t> lengths;
        EmbeddingCopyParser mixed(
            [&](const PassageKeys&, const std::vector<float>& v) { lengths.push_back(v.size()); });
        const QByteArray stream = header() + tuple(1, 1, {1.0f, 2.0f}) + tuple(2, 1, {1.0f}) +
                                  tuple(3, 1, {1.0f, 2.0f}) + trailer();
        mixed.feed(stream.constData(), stream.size());
        QVERIFY(mixed.finished());
        QCOMPARE(lengths, (std::vector<std::size_t>{2, 1, 2}));
        QCOMPARE(mixed.dimensions(), 2);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingCopyParser)
#include "tst_embedding_copy_parser.moc"
