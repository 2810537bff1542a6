#include "core/embed/local/use_lite_model.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace quiver {

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMap = Eigen::Map<const Matrix>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using ConstRowMap = Eigen::Map<const RowVector>;

ConstMap map(const UseLiteWeights::Tensor& t) {
    return ConstMap(t.data, t.rows, t.cols);
}
ConstRowMap row(const UseLiteWeights::Tensor& t) {
    return ConstRowMap(t.data, t.cols);
}

// A buffer that only grows, viewed as a rows x cols matrix: batches of different sizes reuse it
// without allocating (and without the page faults of fresh allocations). Aligned as Eigen's own
// matrices are, because vectorised sums start differently on differently aligned rows and the
// results must not depend on where a buffer happens to lie.
class Buffer {
public:
    MatrixMap view(Eigen::Index rows, Eigen::Index cols) {
        const auto size = static_cast<std::size_t>(rows * cols);
        if (m_data.size() < size)
            m_data.resize(size);
        return MatrixMap(m_data.data(), rows, cols);
    }

private:
    std::vector<float, Eigen::aligned_allocator<float>> m_data;
};

// x * W + b for every row of x, as one matrix product (accumulated onto the bias, which spares
// the product's own zeroing pass).
template <typename In>
void dense(const In& x, const UseLiteWeights::Tensor& w, const UseLiteWeights::Tensor& b,
           MatrixMap out) {
    out.rowwise() = row(b);
    out.noalias() += x * map(w);
}

// Layer normalisation of each row: (x - mean) * scale / sqrt(var + eps) + bias.
void layerNorm(const MatrixMap& x, const UseLiteWeights::Tensor& scale,
               const UseLiteWeights::Tensor& bias, float epsilon, MatrixMap out) {
    const float inverseWidth = 1.0f / static_cast<float>(x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const float mean = x.row(r).sum() * inverseWidth;
        out.row(r) = x.row(r).array() - mean;
        const float variance = out.row(r).squaredNorm() * inverseWidth;
        const float inverseStd = 1.0f / std::sqrt(variance + epsilon);
        out.row(r) = (out.row(r).array() * (row(scale).array() * inverseStd)) + row(bias).array();
    }
}

} // namespace

struct UseLiteModel::Workspace::Buffers {
    Buffer x, normed, qkv, attended, projected, hidden, residual, query, scores, pooled, y;
};

UseLiteModel::Workspace::Workspace()
    : m_buffers(std::make_unique<Buffers>()) {}

UseLiteModel::Workspace::~Workspace() = default;

UseLiteModel::UseLiteModel(UseLiteWeights weights)
    : m_weights(std::move(weights)) {
    // sin(position * frequency) in the first 128 channels, cos in the last 128; the product is
    // rounded to float first, as the graph computes it in float32.
    const int half = UseLiteWeights::kTimescales;
    m_timing.resize(static_cast<std::size_t>(kMaxTokens) * 2 * half);
    for (int p = 0; p < kMaxTokens; ++p)
        for (int c = 0; c < half; ++c) {
            const float angle =
                static_cast<float>(p) * m_weights.inverseTimescales[static_cast<std::size_t>(c)];
            float* rowStart = m_timing.data() + static_cast<std::size_t>(p) * 2 * half;
            rowStart[c] = static_cast<float>(std::sin(static_cast<double>(angle)));
            rowStart[half + c] = static_cast<float>(std::cos(static_cast<double>(angle)));
        }
}

void UseLiteModel::embed(std::span<const std::vector<int>> sequences, float* out,
                         Workspace& workspace) const {
    const UseLiteWeights& w = m_weights;
    Workspace::Buffers& b = *workspace.m_buffers;
    Eigen::Index total = 0;
    for (const std::vector<int>& s : sequences) {
        if (s.size() > static_cast<std::size_t>(kMaxTokens))
            throw std::invalid_argument("UseLiteModel: sequence longer than the window");
        for (const int id : s)
            if (id < 0 || id >= w.embeddings.rows)
                throw std::invalid_argument("UseLiteModel: token id out of range");
        total += static_cast<Eigen::Index>(s.size());
    }
    constexpr int kWide = UseLiteWeights::kWidth;

    // Token embeddings: E[id] + (E[id] + timing[position]), in the graph's order of additions.
    MatrixMap x0 = b.x.view(total, UseLiteWeights::kEmbeddingWidth);
    {
        Eigen::Index r = 0;
        const ConstMap embeddings = map(w.embeddings);
        const ConstMap timing(m_timing.data(), kMaxTokens, UseLiteWeights::kEmbeddingWidth);
        for (const std::vector<int>& s : sequences)
            for (std::size_t p = 0; p < s.size(); ++p, ++r)
                x0.row(r) = embeddings.row(s[p]) +
                            (embeddings.row(s[p]) + timing.row(static_cast<Eigen::Index>(p)));
    }

    // Multi-head self-attention of each sequence over its own tokens, then the output projection
    // into `projected`.
    const auto attend = [&](const MatrixMap& x, const UseLiteWeights::Layer& layer, int width) {
        const int headWidth = width / UseLiteWeights::kHeads;
        MatrixMap normed = b.normed.view(total, width);
        layerNorm(x, layer.attentionNormScale, layer.attentionNormBias, w.layerNormEpsilon, normed);
        MatrixMap qkv = b.qkv.view(total, 3 * width);
        dense(normed, layer.qkv, layer.qkvBias, qkv);
        MatrixMap attended = b.attended.view(total, width);
        Eigen::Index start = 0;
        for (const std::vector<int>& s : sequences) {
            const auto n = static_cast<Eigen::Index>(s.size());
            for (int h = 0; h < UseLiteWeights::kHeads && n > 0; ++h) {
                const Eigen::Index qc = h * headWidth;
                MatrixMap q = b.query.view(n, headWidth);
                q = qkv.block(start, qc, n, headWidth) * layer.attentionScale;
                MatrixMap scores = b.scores.view(n, n);
                scores.noalias() = q * qkv.block(start, width + qc, n, headWidth).transpose();
                for (Eigen::Index r = 0; r < n; ++r) {
                    const float top = scores.row(r).maxCoeff();
                    scores.row(r) = (scores.row(r).array() - top).exp();
                    scores.row(r) /= scores.row(r).sum();
                }
                attended.block(start, qc, n, headWidth).noalias() =
                    scores * qkv.block(start, 2 * width + qc, n, headWidth);
            }
            start += n;
        }
        dense(attended, layer.output, layer.outputBias, b.projected.view(total, kWide));
    };
    // x += FFN(LayerNorm(x)).
    const auto feedForward = [&](MatrixMap& x, const UseLiteWeights::Layer& layer) {
        MatrixMap normed = b.normed.view(total, kWide);
        layerNorm(x, layer.ffnNormScale, layer.ffnNormBias, w.layerNormEpsilon, normed);
        MatrixMap hidden = b.hidden.view(total, UseLiteWeights::kFfnWidth);
        dense(normed, layer.ffnIn, layer.ffnInBias, hidden);
        hidden = hidden.cwiseMax(0.0f);
        MatrixMap projected = b.projected.view(total, kWide);
        dense(hidden, layer.ffnOut, layer.ffnOutBias, projected);
        x += projected;
    };

    // Layer 0: attention at width 256, the residual projected to 512.
    attend(x0, w.layers[0], UseLiteWeights::kEmbeddingWidth);
    MatrixMap x = b.residual.view(total, kWide);
    dense(x0, w.residualProjection, w.residualProjectionBias, x);
    x += b.projected.view(total, kWide);
    feedForward(x, w.layers[0]);
    // Layer 1 at width 512.
    attend(x, w.layers[1], kWide);
    x += b.projected.view(total, kWide);
    feedForward(x, w.layers[1]);

    // Mean over each sequence's tokens, the tanh layer, L2 normalisation.
    const auto count = static_cast<Eigen::Index>(sequences.size());
    MatrixMap pooled = b.pooled.view(count, kWide);
    pooled.setZero();
    Eigen::Index start = 0;
    for (Eigen::Index i = 0; i < count; ++i) {
        const auto n = static_cast<Eigen::Index>(sequences[static_cast<std::size_t>(i)].size());
        if (n > 0)
            pooled.row(i) = x.middleRows(start, n).colwise().sum() / static_cast<float>(n);
        start += n;
    }
    MatrixMap y = b.y.view(count, kWide);
    dense(pooled, w.tanhWeights, w.tanhBias, y);
    for (Eigen::Index r = 0; r < count; ++r) {
        y.row(r) = y.row(r).array().tanh();
        const float scale = 1.0f / std::sqrt(std::max(y.row(r).squaredNorm(), w.normalizeEpsilon));
        Eigen::Map<RowVector>(out + r * kDimensions, kDimensions) = y.row(r) * scale;
    }
}

} // namespace quiver
