#pragma once

// A library of a few topics, each with its own words and its own region of embedding space,
// for tests of what groups passages by meaning (the collection map).

#include "core/db/pg_connection.h"
#include "tests/integration/search/search_fixture.h"

#include <QString>
#include <QStringList>

#include <cmath>
#include <random>
#include <vector>

namespace quiver::test {

struct Topic {
    QString collection;
    QStringList words; // the topic's own words; words.first() names it
};

inline const QList<Topic>& fixtureTopics() {
    static const QList<Topic> topics = {{QStringLiteral("Sky"),
                                         {QStringLiteral("telescope"), QStringLiteral("galaxy"),
                                          QStringLiteral("nebula"), QStringLiteral("comet")}},
                                        {QStringLiteral("Kitchen"),
                                         {QStringLiteral("flour"), QStringLiteral("oven"),
                                          QStringLiteral("butter"), QStringLiteral("dough")}},
                                        {QStringLiteral("Court"),
                                         {QStringLiteral("tenant"), QStringLiteral("clause"),
                                          QStringLiteral("plaintiff"), QStringLiteral("verdict")}}};
    return topics;
}

struct TopicPassage {
    qint64 chunkId = 0;
    int topic = 0;
};

// perTopic passages per topic, one document each, all embedded by `model` as unit vectors near
// their topic's own random centre. Filler words are shared by every topic, so only the topic
// words set a group apart.
inline std::vector<TopicPassage> addTopicLibrary(PgConnection& c, const QString& model,
                                                 int perTopic, int dims = 32, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    const QStringList filler{QStringLiteral("people"),   QStringLiteral("often"),
                             QStringLiteral("describe"), QStringLiteral("careful"),
                             QStringLiteral("morning"),  QStringLiteral("notes")};
    std::vector<TopicPassage> out;
    const QList<Topic>& topics = fixtureTopics();
    for (int t = 0; t < topics.size(); ++t) {
        std::vector<float> centre = randomVector(rng, dims);
        const qint64 collection = addCollection(c, topics[t].collection);
        for (int i = 0; i < perTopic; ++i) {
            const qint64 doc = addDocument(
                c, collection, QStringLiteral("/corpus/%1/%2.txt").arg(topics[t].collection).arg(i),
                QStringLiteral("%1 note %2").arg(topics[t].collection).arg(i));
            QStringList words;
            for (int w = 0; w < 12; ++w)
                words << (w % 2 == 0 ? topics[t].words[(i + w) % topics[t].words.size()]
                                     : filler[(i * 3 + w) % filler.size()]);
            const qint64 chunk =
                addChunk(c, doc, 0, words.join(QLatin1Char(' ')) + QLatin1Char('.'));
            std::vector<float> v(centre);
            double norm = 0;
            for (float& x : v) {
                x += 0.15f * noise(rng);
                norm += double(x) * double(x);
            }
            for (float& x : v)
                x = static_cast<float>(double(x) / std::sqrt(norm));
            addEmbedding(c, chunk, model, v);
            out.push_back({chunk, t});
        }
    }
    return out;
}

} // namespace quiver::test
