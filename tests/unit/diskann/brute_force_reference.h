#pragma once

#include "core/diskann/metric.h"
#include "core/diskann/search_result.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace quiver::diskann::test {

// The exact answer, computed apart from the index: its own copy of the points, its own
// distance code in double precision. Recall tests grade the index against this, never against
// the index's own searchExact, so a bug shared by both cannot pass unnoticed.
class BruteForceReference {
public:
    BruteForceReference(Metric metric, std::uint32_t dim)
        : metric_(metric)
        , dim_(dim) {}

    void add(std::uint64_t id, std::span<const float> v, std::vector<std::uint32_t> labels = {}) {
        points_[id] = Point{std::vector<float>(v.begin(), v.end()), std::move(labels)};
    }

    // Row i of `points` gets ids[i] and, when given, labels[i].
    void addAll(std::span<const float> points, const std::vector<std::uint64_t>& ids,
                std::span<const std::vector<std::uint32_t>> labels = {}) {
        for (std::size_t i = 0; i < ids.size(); ++i)
            add(ids[i], points.subspan(i * dim_, dim_),
                labels.empty() ? std::vector<std::uint32_t>{} : labels[i]);
    }

    void remove(std::uint64_t id) { points_.erase(id); }
    std::size_t size() const { return points_.size(); }

    // Whether a point with these labels may be returned.
    using Keep = std::function<bool(const std::vector<std::uint32_t>& labels)>;

    // The k nearest (distance, id), closest first; ties broken by id.
    std::vector<std::pair<double, std::uint64_t>>
    nearest(std::span<const float> q, std::size_t k,
            std::optional<std::uint32_t> label = {}) const {
        return nearestIf(q, k, carrying(label));
    }
    std::vector<std::pair<double, std::uint64_t>> nearestIf(std::span<const float> q, std::size_t k,
                                                            const Keep& keep) const {
        std::vector<std::pair<double, std::uint64_t>> all;
        all.reserve(points_.size());
        for (const auto& [id, p] : points_)
            if (keep(p.labels))
                all.emplace_back(distance(p.v, q), id);
        const std::size_t n = std::min(k, all.size());
        std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end());
        all.resize(n);
        return all;
    }

    // Fraction of the exact top-k the answer found. A returned point as close as the k-th
    // exact one counts as a hit (ties); a point the reference does not hold never does.
    double recall(const std::vector<SearchResult>& found, std::span<const float> q, std::size_t k,
                  std::optional<std::uint32_t> label = {}) const {
        return recallIf(found, q, k, carrying(label));
    }
    double recallIf(const std::vector<SearchResult>& found, std::span<const float> q, std::size_t k,
                    const Keep& keep) const {
        const auto exact = nearestIf(q, k, keep);
        if (exact.empty())
            return found.empty() ? 1.0 : 0.0;
        std::unordered_set<std::uint64_t> truth;
        for (const auto& e : exact)
            truth.insert(e.second);
        const double kth = exact.back().first;
        const double slack = 1e-5 * (1.0 + std::abs(kth));
        std::size_t hits = 0;
        for (const auto& r : found) {
            if (truth.contains(r.id)) {
                ++hits;
                continue;
            }
            const auto it = points_.find(r.id);
            if (it != points_.end() && keep(it->second.labels) &&
                distance(it->second.v, q) <= kth + slack)
                ++hits;
        }
        return static_cast<double>(std::min(hits, exact.size())) /
               static_cast<double>(exact.size());
    }

private:
    static Keep carrying(std::optional<std::uint32_t> label) {
        return [label](const std::vector<std::uint32_t>& labels) {
            return !label || std::find(labels.begin(), labels.end(), *label) != labels.end();
        };
    }

    struct Point {
        std::vector<float> v;
        std::vector<std::uint32_t> labels;
    };

    double distance(const std::vector<float>& a, std::span<const float> b) const {
        double dot = 0.0, aa = 0.0, bb = 0.0, l2 = 0.0;
        for (std::uint32_t d = 0; d < dim_; ++d) {
            const auto x = static_cast<double>(a[d]);
            const auto y = static_cast<double>(b[d]);
            dot += x * y;
            aa += x * x;
            bb += y * y;
            l2 += (x - y) * (x - y);
        }
        switch (metric_) {
        case Metric::L2:
            return l2;
        case Metric::InnerProduct:
            return -dot;
        case Metric::Cosine:
            return (aa == 0.0 || bb == 0.0) ? 1.0 : 1.0 - dot / std::sqrt(aa * bb);
        }
        return l2;
    }

    Metric metric_;
    std::uint32_t dim_;
    std::unordered_map<std::uint64_t, Point> points_;
};

} // namespace quiver::diskann::test
