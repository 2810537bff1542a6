#pragma once
// Test corpus helpers: rows written straight into the quiver schema, and an embedder that
// hashes words into a vector, so texts sharing words land near each other.
#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"

#include <QCryptographicHash>
#include <QRegularExpression>

#include <cmath>
#include <random>
#include <vector>

namespace quiver::test {

class WordHashEmbedder : public Embedder {
public:
    explicit WordHashEmbedder(int dims = 64)
        : m_dims(dims) {}
    QString modelId() const override { return QStringLiteral("test-wordhash-%1").arg(m_dims); }
    int dimensions() const override { return m_dims; }
    std::vector<std::vector<float>> embed(const QStringList& texts,
                                          const CancelToken& = {}) override {
        std::vector<std::vector<float>> out;
        for (const QString& t : texts)
            out.push_back(vectorOf(t));
        return out;
    }
    std::vector<float> vectorOf(const QString& text) const {
        std::vector<float> v(static_cast<std::size_t>(m_dims), 0.0f);
        static const QRegularExpression split(QStringLiteral("\\W+"));
        for (const QString& w : text.toLower().split(split, Qt::SkipEmptyParts)) {
            const QByteArray h = QCryptographicHash::hash(w.toUtf8(), QCryptographicHash::Md5);
            const auto slot = static_cast<unsigned char>(h[0]) % static_cast<unsigned>(m_dims);
            v[slot] += (static_cast<unsigned char>(h[1]) & 1) ? 1.0f : -1.0f;
        }
        v[0] += 0.01f; // never the zero vector
        return v;
    }

private:
    int m_dims;
};

inline qint64 addCollection(PgConnection& c, const QString& name) {
    return c
        .exec(QStringLiteral("INSERT INTO quiver.collections (name) VALUES ($1) RETURNING id"),
              {name})
        .toInt64(0, 0);
}

inline qint64 addDocument(PgConnection& c, qint64 collection, const QString& path,
                          const QString& title,
                          const QString& mime = QStringLiteral("text/plain")) {
    return c
        .exec(QStringLiteral("INSERT INTO quiver.documents (collection_id, path, title, mime) "
                             "VALUES ($1, $2, $3, $4) RETURNING id"),
              {collection, path, title, mime})
        .toInt64(0, 0);
}

inline qint64 addChunk(PgConnection& c, qint64 document, int ordinal, const QString& text) {
    return c
        .exec(QStringLiteral("INSERT INTO quiver.chunks (document_id, ordinal, text) "
                             "VALUES ($1, $2, $3) RETURNING id"),
              {document, ordinal, text})
        .toInt64(0, 0);
}

inline void addEmbedding(PgConnection& c, qint64 chunk, const QString& model,
                         const std::vector<float>& v) {
    c.exec(QStringLiteral("INSERT INTO quiver.embeddings (chunk_id, model, dimensions, vector) "
                          "VALUES ($1, $2, $3, $4) ON CONFLICT (chunk_id, model) DO UPDATE "
                          "SET vector = EXCLUDED.vector, dimensions = EXCLUDED.dimensions"),
           {chunk, model, static_cast<int>(v.size()), QVariant::fromValue(v)});
}

// Unit-length random vectors around a few centres (clustered, like real embeddings).
inline std::vector<float> randomVector(std::mt19937& rng, int dims) {
    std::normal_distribution<float> n(0.0f, 1.0f);
    std::vector<float> v(static_cast<std::size_t>(dims));
    for (float& x : v)
        x = n(rng);
    return v;
}

} // namespace quiver::test
