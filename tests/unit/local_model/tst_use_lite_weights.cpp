#include "core/embed/embedder.h"
#include "core/embed/local/local_embedder.h"
#include "core/embed/local/model_locator.h"
#include "core/embed/local/use_lite_weights.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using quiver::EmbedError;
using quiver::UseLiteWeights;

// Missing, truncated, damaged and foreign model files: each one is refused with a Config error
// that names the file and the fix, and never crashes.
class TestUseLiteWeights : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void loadsTheRealFiles();
    void refusesDamagedFiles_data();
    void refusesDamagedFiles();
    void missingFolderIsNamed();
    void locatorFindsTheBuildTreeCopy();
    void overrideVariableIsUsedAlone();

private:
    // A copy of the model folder: links to the real files, `file` replaced by `content`.
    QString copyWith(QTemporaryDir& dir, const QString& file, const QByteArray& content) const;
    QByteArray real(const QString& file) const;

    QString m_model;
};

void TestUseLiteWeights::initTestCase() {
    qunsetenv(quiver::ModelLocator::kOverrideVariable);
    m_model = quiver::ModelLocator::find(QStringLiteral("use-lite-0.2.0"));
}

QByteArray TestUseLiteWeights::real(const QString& file) const {
    QFile f(QDir(m_model).filePath(file));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read the model file %s", qPrintable(f.fileName()));
    return f.readAll();
}

QString TestUseLiteWeights::copyWith(QTemporaryDir& dir, const QString& file,
                                     const QByteArray& content) const {
    const QDir source(m_model);
    for (const QString& name : source.entryList(QDir::Files))
        if (name != file && !QFile::link(source.filePath(name), dir.filePath(name)))
            qFatal("cannot link %s", qPrintable(name));
    if (!content.isNull()) {
        QFile out(dir.filePath(file));
        if (!out.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(out.fileName()));
        out.write(content);
    }
    return dir.path();
}

void TestUseLiteWeights::loadsTheRealFiles() {
    const UseLiteWeights w = UseLiteWeights::load(m_model, UseLiteWeights::pinnedChecksums());
    QCOMPARE(w.vocabulary.size(), std::size_t{8000});
    QCOMPARE(w.embeddings.rows, 8002);
    QCOMPARE(w.layers[1].qkv.cols, 1536);
    QCOMPARE(w.layers[0].attentionScale, 0.125f);
    QVERIFY(w.layerNormEpsilon > 0 && w.layerNormEpsilon < 1e-5f);
    // The reference reads the seven null scores as 0.
    int nullScores = 0;
    for (const auto& piece : w.vocabulary)
        nullScores += piece.score == 0.0 && piece.text == QStringLiteral("://") ? 1 : 0;
    QCOMPARE(nullScores, 1);
}

void TestUseLiteWeights::refusesDamagedFiles_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content"); // a null QByteArray: the file is absent
    QTest::addColumn<bool>("checksums");
    QTest::addColumn<QString>("problem"); // part of the expected message

    const QByteArray manifest = real(QStringLiteral("model.json"));
    const QByteArray vocabulary = real(QStringLiteral("vocab.json"));
    const QByteArray shard = real(QStringLiteral("group1-shard3of7"));
    const QString shard3 = QStringLiteral("group1-shard3of7");
    const QString json = QStringLiteral("model.json");
    const QString vocab = QStringLiteral("vocab.json");

    QTest::newRow("manifest missing") << json << QByteArray() << true << QStringLiteral("missing");
    QTest::newRow("shard missing") << shard3 << QByteArray() << true << QStringLiteral("missing");
    QTest::newRow("vocabulary missing")
        << vocab << QByteArray() << false << QStringLiteral("missing");
    QTest::newRow("manifest empty")
        << json << QByteArray("") << false << QStringLiteral("not valid JSON");
    QTest::newRow("manifest truncated")
        << json << manifest.left(manifest.size() / 2) << false << QStringLiteral("not valid JSON");
    QTest::newRow("manifest damaged, checksummed")
        << json << QByteArray(manifest).replace("float32", "float31") << true
        << QStringLiteral("checksum differs");
    QTest::newRow("shard truncated")
        << shard3 << shard.left(shard.size() - 100) << false << QStringLiteral("truncated");
    QTest::newRow("shard truncated, checksummed")
        << shard3 << shard.left(shard.size() - 100) << true << QStringLiteral("truncated");
    QTest::newRow("shard with a flipped bit, checksummed")
        << shard3
        << QByteArray(shard).replace(1000, 1, QByteArray(1, static_cast<char>(shard[1000] ^ 1)))
        << true << QStringLiteral("checksum differs");
    QByteArray nan = shard;
    nan.replace(4096, 4, QByteArray("\x00\x00\xc0\x7f", 4));
    QTest::newRow("shard holding NaN")
        << shard3 << nan << false << QStringLiteral("not a finite number");
    QTest::newRow("a weight renamed")
        << json << QByteArray(manifest).replace("module/Embeddings_en", "module/Embeddings_xx")
        << false << QStringLiteral("lacks the weight module/Embeddings_en");
    QTest::newRow("a shard path leaving the folder")
        << json << QByteArray(manifest).replace("\"group1-shard2of7\"", "\"../group1-shard2of7\"")
        << false << QStringLiteral("outside the model folder");
    QTest::newRow("a quantized weight")
        << json << QByteArray(manifest).replace("\"dtype\"", "\"quantization\":{},\"dtype\"")
        << false << QStringLiteral("cannot use");
    QTest::newRow("the vocabulary in place of the manifest")
        << json << vocabulary << false << QStringLiteral("no weights manifest");
    QTest::newRow("vocabulary truncated")
        << vocab << vocabulary.left(5000) << false << QStringLiteral("not valid JSON");
    QTest::newRow("vocabulary with a number for a piece")
        << vocab << QByteArray(vocabulary).replace("[\"\xe2\x96\x81the\"", "[17") << false
        << QStringLiteral("malformed piece");
    QTest::newRow("vocabulary too short") << vocab << QByteArray("[[\"a\", -1]]") << false
                                          << QStringLiteral("not the model's vocabulary");
}

void TestUseLiteWeights::refusesDamagedFiles() {
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(bool, checksums);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = copyWith(dir, file, content);
    try {
        UseLiteWeights::load(folder, checksums ? UseLiteWeights::pinnedChecksums()
                                               : UseLiteWeights::Checksums{});
        QFAIL("the damaged model loaded");
    } catch (const EmbedError& e) {
        QCOMPARE(e.kind(), EmbedError::Kind::Config);
        QVERIFY2(e.message().contains(problem), qPrintable(e.message()));
        QVERIFY2(e.message().contains(dir.path()), qPrintable(e.message())); // names the file
        QVERIFY2(e.message().contains(QStringLiteral("fetch-model.sh")), qPrintable(e.message()));
        QVERIFY(!e.message().contains(QLatin1Char('\n')));
    }
}

void TestUseLiteWeights::missingFolderIsNamed() {
    QTemporaryDir dir;
    const QString gone = dir.filePath(QStringLiteral("no-such-model"));
    try {
        quiver::LocalEmbedder::Options options;
        options.modelDir = gone;
        quiver::LocalEmbedder embedder(options);
        QFAIL("a missing model loaded");
    } catch (const EmbedError& e) {
        QCOMPARE(e.kind(), EmbedError::Kind::Config);
        QVERIFY2(e.message().contains(gone), qPrintable(e.message()));
    }
}

void TestUseLiteWeights::locatorFindsTheBuildTreeCopy() {
    // The test runs from the build tree, whose share/quiver/models holds the copied model.
    QVERIFY2(m_model.endsWith(QStringLiteral("/share/quiver/models/use-lite-0.2.0")),
             qPrintable(m_model));
    const QString binaryDir = qEnvironmentVariable("QUIVER_BINARY_DIR");
    QVERIFY(!binaryDir.isEmpty());
    QCOMPARE(
        QDir(m_model).canonicalPath(),
        QDir(binaryDir + QStringLiteral("/share/quiver/models/use-lite-0.2.0")).canonicalPath());
}

void TestUseLiteWeights::overrideVariableIsUsedAlone() {
    QTemporaryDir copy;
    copyWith(copy, QString(), QByteArray());
    qputenv(quiver::ModelLocator::kOverrideVariable, copy.path().toLocal8Bit());
    const quiver::LocalEmbedder embedder;
    QCOMPARE(embedder.modelDir(), QDir::cleanPath(copy.path()));

    QTemporaryDir empty;
    qputenv(quiver::ModelLocator::kOverrideVariable, empty.path().toLocal8Bit());
    try {
        quiver::LocalEmbedder none;
        QFAIL("an empty QUIVER_MODEL_DIR fell back to another model");
    } catch (const EmbedError& e) {
        QCOMPARE(e.kind(), EmbedError::Kind::Config);
        QVERIFY(e.message().contains(QStringLiteral("QUIVER_MODEL_DIR")));
        QVERIFY(e.message().contains(empty.path()));
    }
    qunsetenv(quiver::ModelLocator::kOverrideVariable);
}

QTEST_GUILESS_MAIN(TestUseLiteWeights)
#include "tst_use_lite_weights.moc"
