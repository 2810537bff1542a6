// Fuzz entry point for the local model's loader: whatever the bytes of model.json, vocab.json or
// a weight shard, UseLiteWeights::load either works or throws EmbedError(Kind::Config); it never
// crashes, hangs or reads out of bounds.
//
// The first input byte picks the file (0: model.json, 1: vocab.json, 2: the last weight shard),
// the rest is its content; the other files are the real ones (QUIVER_MODEL_DIR, else the copy
// the build tree holds). Checksums are not checked, so the parsers behind them are reached.
#include "core/embed/embedder.h"
#include "core/embed/local/model_locator.h"
#include "core/embed/local/use_lite_weights.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

const char* const kFiles[] = {"model.json", "vocab.json", "group1-shard7of7"};

struct Scratch {
    QTemporaryDir dir;
    QString realModel;
};

Scratch& scratch() {
    static Scratch* s = [] {
        auto* created = new Scratch;
        created->realModel = quiver::ModelLocator::find(QStringLiteral("use-lite-0.2.0"));
        return created;
    }();
    return *s;
}

// The scratch folder again as links to the real files, except `replaced`.
void resetLinks(const QString& replaced) {
    Scratch& s = scratch();
    const QDir real(s.realModel);
    for (const QString& name : real.entryList(QDir::Files)) {
        const QString target = s.dir.filePath(name);
        QFile::remove(target);
        if (name != replaced)
            QFile::link(real.filePath(name), target);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const QString file = QString::fromLatin1(kFiles[data[0] % 3]);
    resetLinks(file);
    {
        QFile out(scratch().dir.filePath(file));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            std::abort();
        out.write(reinterpret_cast<const char*>(data + 1), static_cast<qint64>(size - 1));
    }
    try {
        const quiver::UseLiteWeights w =
            quiver::UseLiteWeights::load(scratch().dir.path(), quiver::UseLiteWeights::Checksums{});
        // What the model reads must be there.
        if (!w.embeddings.data || w.vocabulary.size() < 7)
            std::abort();
    } catch (const quiver::EmbedError& e) {
        if (e.kind() != quiver::EmbedError::Kind::Config || e.message().isEmpty())
            std::abort();
    }
    return 0;
}
