#include "core/map/collection_map_builder.h"

#include "core/db/pg_connection.h"
#include "core/map/cluster_terms.h"
#include "core/map/map_clusters.h"
#include "core/map/map_layout.h"
#include "core/map/map_sample_reader.h"
#include "core/search/chunk_source.h"
#include "core/search/query_embedder_factory.h"
#include "core/search/text_analyzer.h"

#include <QObject>

#include <map>
#include <string>
#include <unordered_map>

namespace quiver {

namespace {

// Shares of the progress bar: reading is database-bound, the layout CPU-bound.
constexpr double kReadShare = 0.35;
constexpr double kLayoutShare = 0.55;

// Each passage's terms as keyword search analyses them, and the spelling people see for each
// term: its most frequent lower-cased form in the sample ("running" rather than the stem "run").
struct SampleTerms {
    std::vector<std::vector<std::string>> perPassage;
    std::unordered_map<std::string, QString> spelling;
};

// Numbers, single letters and two-letter fragments may set a group apart, but they name nothing.
bool nameable(const QString& text, const AnalyzedToken& t) {
    if (t.length < 3)
        return false;
    for (qsizetype i = t.start; i < t.start + t.length; ++i)
        if (text[i].isLetter())
            return true;
    return false;
}

SampleTerms analyse(const std::vector<MapPassage>& passages, const QString& language,
                    const std::function<bool()>& cancelled) {
    SampleTerms out;
    TextAnalyzer analyzer(language);
    std::unordered_map<std::string, std::map<QString, int>> forms;
    out.perPassage.reserve(passages.size());
    for (const MapPassage& p : passages) {
        if (cancelled && cancelled())
            throw map::MapCancelled();
        std::vector<std::string> terms;
        for (const AnalyzedToken& t : analyzer.tokens(p.text)) {
            if (!nameable(p.text, t))
                continue;
            ++forms[t.term][p.text.mid(t.start, t.length).toLower()];
            terms.push_back(t.term);
        }
        out.perPassage.push_back(std::move(terms));
    }
    for (const auto& [term, spellings] : forms) {
        auto best = spellings.begin();
        for (auto it = spellings.begin(); it != spellings.end(); ++it)
            if (it->second > best->second)
                best = it;
        out.spelling.emplace(term, best->first);
    }
    return out;
}

} // namespace

void CollectionMapBuilder::report(double fraction, const QString& step) const {
    if (m_progress)
        m_progress(fraction, step);
}

CollectionMap CollectionMapBuilder::build(PgConnection& conn, const MapBuildOptions& options) {
    const QString model = preferredSearchModel(conn);
    if (model.isEmpty())
        return {};
    const QString language = keywordLanguage(conn);
    report(0, QObject::tr("Reading passages…"));
    MapSample sample =
        MapSampleReader(conn).read(model, options.maxPassages, [this](int done, int total) {
            if (m_cancelled && m_cancelled())
                return false;
            report(kReadShare * done / qMax(1, total), QObject::tr("Reading passages…"));
            return true;
        });
    if (m_cancelled && m_cancelled())
        throw map::MapCancelled();
    return build(std::move(sample), language, options);
}

CollectionMap CollectionMapBuilder::build(MapSample sample, const QString& language,
                                          const MapBuildOptions& options) {
    CollectionMap out;
    out.model = sample.model;
    out.totalPassages = sample.totalPassages;
    out.passages = std::move(sample.passages);
    if (out.passages.empty())
        return out;

    report(kReadShare, QObject::tr("Laying out %n passage(s)…", nullptr,
                                   static_cast<int>(out.passages.size())));
    map::MapLayoutOptions layout;
    layout.seed = options.seed;
    layout.threads = static_cast<std::uint32_t>(qMax(0, options.threads));
    layout.cancelled = m_cancelled;
    layout.progress = [this](double f) {
        report(kReadShare + kLayoutShare * f, QObject::tr("Laying out passages…"));
    };
    const std::vector<map::MapPoint> points =
        map::layoutMap(sample.vectors.data(), out.passages.size(),
                       static_cast<std::size_t>(sample.dimensions), layout);
    sample.vectors = {};

    report(kReadShare + kLayoutShare, QObject::tr("Naming the groups…"));
    const map::MapClusters clusters = map::clusterMap(
        points, static_cast<std::uint32_t>(qMax(1, options.maxClusters)), options.seed);
    const SampleTerms terms = analyse(out.passages, language, m_cancelled);
    const std::vector<std::vector<std::string>> words = map::distinctiveTerms(
        terms.perPassage, clusters, static_cast<std::uint32_t>(qMax(0, options.wordsPerCluster)));

    for (std::size_t i = 0; i < out.passages.size(); ++i) {
        out.passages[i].x = points[i].x;
        out.passages[i].y = points[i].y;
        out.passages[i].cluster = static_cast<int>(clusters.clusterOf[i]);
    }
    out.clusters.resize(clusters.count);
    for (std::uint32_t c = 0; c < clusters.count; ++c) {
        MapCluster& cluster = out.clusters[c];
        cluster.x = clusters.centres[c].x;
        cluster.y = clusters.centres[c].y;
        if (c < words.size())
            for (const std::string& term : words[c]) {
                const auto it = terms.spelling.find(term);
                cluster.words.append(it != terms.spelling.end() ? it->second
                                                                : QString::fromStdString(term));
            }
    }
    for (const MapPassage& p : out.passages)
        ++out.clusters[static_cast<std::size_t>(p.cluster)].size;
    report(1, QObject::tr("Map ready"));
    return out;
}

} // namespace quiver
