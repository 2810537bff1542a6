#include "core/embed/local/use_lite_model.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace quiver {

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const Matrix>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using ConstRowMap = Eigen::Map<const RowVector>;

ConstMap map(const UseLiteWeights::Tensor& t) {
    return ConstMap(t.data, t.rows, t.cols);
}
ConstRowMap row(const UseLiteWeights::Tensor& t) {
    return ConstRowMap(t.data, t.cols);
}

// x * W + b for every row of x, as one matrix product.
void dense(const Matrix& x, const UseLiteWeights::Tensor& w, const UseLiteWeights::Tensor& b,
           Matrix& out) {
    out.resize(x.rows(), w.cols);
    out.noalias() = x * map(w);
    out.rowwise() += row(b);
}

// Layer normalisation of each row: (x - mean) * scale / sqrt(var + eps) + bias.
void layerNorm(const Matrix& x, const UseLiteWeights::Tensor& scale,
               const UseLiteWeights::Tensor& bias, float epsilon, Matrix& out) {
    out.resize(x.rows(), x.cols());
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

void UseLiteModel::embed(std::span<const std::vector<int>> sequences, float* out) const {
    const UseLiteWeights& w = m_weights;
    Eigen::Index total = 0;
    for (const std::vector<int>& s : sequences) {
        if (s.size() > static_cast<std::size_t>(kMaxTokens))
            throw std::invalid_argument("UseLiteModel: sequence longer than the window");
        total += static_cast<Eigen::Index>(s.size());
    }

    // Token embeddings: E[id] + (E[id] + timing[position]), in the graph's order of additions.
    Matrix x(total, UseLiteWeights::kEmbeddingWidth);
    {
        Eigen::Index r = 0;
        const ConstMap embeddings = map(w.embeddings);
        const ConstMap timing(m_timing.data(), kMaxTokens, UseLiteWeights::kEmbeddingWidth);
        for (const std::vector<int>& s : sequences)
            for (std::size_t p = 0; p < s.size(); ++p, ++r) {
                const int id = s[p];
                if (id < 0 || id >= w.embeddings.rows)
                    throw std::invalid_argument("UseLiteModel: token id out of range");
                x.row(r) = embeddings.row(id) +
                           (embeddings.row(id) + timing.row(static_cast<Eigen::Index>(p)));
            }
    }

    Matrix normed, qkv, attended, projected, hidden, residual;
    // Multi-head self-attention of each sequence over its own tokens.
    const auto attend = [&](const UseLiteWeights::Layer& layer, int width) {
        const int headWidth = width / UseLiteWeights::kHeads;
        layerNorm(x, layer.attentionNormScale, layer.attentionNormBias, w.layerNormEpsilon, normed);
        dense(normed, layer.qkv, layer.qkvBias, qkv);
        attended.resize(total, width);
        Matrix scores;
        Eigen::Index start = 0;
        for (const std::vector<int>& s : sequences) {
            const auto n = static_cast<Eigen::Index>(s.size());
            for (int h = 0; h < UseLiteWeights::kHeads && n > 0; ++h) {
                const Eigen::Index qc = h * headWidth;
                const Matrix q = qkv.block(start, qc, n, headWidth) * layer.attentionScale;
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
        dense(attended, layer.output, layer.outputBias, projected);
    };
    const auto feedForward = [&](const UseLiteWeights::Layer& layer) {
        layerNorm(x, layer.ffnNormScale, layer.ffnNormBias, w.layerNormEpsilon, normed);
        dense(normed, layer.ffnIn, layer.ffnInBias, hidden);
        hidden = hidden.cwiseMax(0.0f);
        dense(hidden, layer.ffnOut, layer.ffnOutBias, projected);
        x += projected;
    };

    // Layer 0: attention at width 256, the residual projected to 512.
    attend(w.layers[0], UseLiteWeights::kEmbeddingWidth);
    dense(x, w.residualProjection, w.residualProjectionBias, residual);
    x = projected + residual;
    feedForward(w.layers[0]);
    // Layer 1 at width 512.
    attend(w.layers[1], UseLiteWeights::kWidth);
    x += projected;
    feedForward(w.layers[1]);

    // Mean over each sequence's tokens, the tanh layer, L2 normalisation.
    Matrix pooled = Matrix::Zero(static_cast<Eigen::Index>(sequences.size()), kDimensions);
    Eigen::Index start = 0;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        const auto n = static_cast<Eigen::Index>(sequences[i].size());
        if (n > 0)
            pooled.row(static_cast<Eigen::Index>(i)) =
                x.middleRows(start, n).colwise().sum() / static_cast<float>(n);
        start += n;
    }
    Matrix y;
    dense(pooled, w.tanhWeights, w.tanhBias, y);
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
        y.row(r) = y.row(r).array().tanh();
        const float scale = 1.0f / std::sqrt(std::max(y.row(r).squaredNorm(), w.normalizeEpsilon));
        Eigen::Map<RowVector>(out + r * kDimensions, kDimensions) = y.row(r) * scale;
    }
}

} // namespace quiver
