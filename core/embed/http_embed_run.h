#pragma once

#include "core/embed/http_embedder.h"

#include <QStringList>

#include <vector>

namespace quiver {

// Runs one HttpEmbedder::embed() call to completion; see HttpEmbedder for what it promises.
std::vector<std::vector<float>> runHttpEmbed(HttpEmbedder& embedder, const QStringList& texts,
                                             const CancelToken& cancel);

} // namespace quiver
