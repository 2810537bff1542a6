#pragma once

#include "core/embed/local/use_lite_weights.h"

#include <memory>
#include <span>
#include <vector>

namespace quiver {

// The forward pass of Universal Sentence Encoder lite, in the order of operations of its graph:
// token embedding added twice plus a sinusoidal timing signal; two pre-layer-norm transformer
// layers (the first attends at width 256 and projects to 512 with a dense residual, the second
// attends at 512; 4 heads each; feed-forward 512 -> 1536 ReLU -> 512); the mean over the tokens,
// a 512 x 512 tanh layer and L2 normalisation.
//
// embed() computes a batch of token sequences at once: the dense layers of every token of every
// sequence form one matrix product, attention runs per sequence. It is const and keeps its
// scratch space in the caller's Workspace, so several threads may call it at once. The result of a
// batch depends only on its sequences (no threads, no timing inside).
class UseLiteModel {
public:
    static constexpr int kMaxTokens = 128; // the model's window (the reference truncates to it)
    static constexpr int kDimensions = UseLiteWeights::kWidth;

    // Scratch space for embed(), kept between batches so the big buffers are allocated once;
    // one per thread.
    class Workspace {
    public:
        Workspace();
        ~Workspace();
        Workspace(const Workspace&) = delete;
        Workspace& operator=(const Workspace&) = delete;

    private:
        friend class UseLiteModel;
        struct Buffers;
        std::unique_ptr<Buffers> m_buffers;
    };

    explicit UseLiteModel(UseLiteWeights weights);

    // One 512-d unit vector per sequence into out (sequences.size() x 512, row after row).
    // Each sequence holds at most kMaxTokens ids below 8002; an empty one gives the model's
    // vector for no tokens. Throws std::invalid_argument for a sequence that breaks that.
    void embed(std::span<const std::vector<int>> sequences, float* out, Workspace& workspace) const;

    const UseLiteWeights& weights() const { return m_weights; }

private:
    UseLiteWeights m_weights;
    std::vector<float> m_timing; // kMaxTokens x 256, the timing signal of each position
};

} // namespace quiver
