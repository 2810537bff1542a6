#pragma once

#include "core/search/database_identity.h"

#include <QDateTime>
#include <QString>

#include <cstdint>
#include <optional>

namespace quiver {

// The small JSON file beside an index's base file: which database and model the base was built
// for, from which snapshot (watermark), and what the base file must look like. An index whose
// manifest, base file and database do not agree is rebuilt, never trusted.
struct IndexManifest {
    // 2: passages carry type and import-day labels beside their collection's; 3: the base file is
    // of the engine's format 4 (room for in-place updates). Older bases are rebuilt.
    static constexpr int kFormat = 3;

    DatabaseIdentity database;
    QString model;
    int dimensions = 0;
    std::uint64_t watermark = 0;
    QString baseFile; // file name in the same folder
    std::uint64_t vectors = 0;
    std::uint64_t fileBytes = 0;
    QDateTime builtAt;
    std::optional<double> recall; // recall@10 measured by the last verify
    int recallSample = 0;
    QDateTime recallMeasuredAt;

    // Throws std::runtime_error naming the file and what is wrong with it.
    static IndexManifest load(const QString& path);
    // Atomic: a reader sees the old manifest or the new one, never half of one.
    void save(const QString& path) const;
};

} // namespace quiver
