#pragma once

#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace quiver {

// Prunes a change log that a local index reads (the embeddings' deletion log, the chunk log) at
// most hourly: the log only needs to stay shorter than its retention period. A database role
// that may read but not delete still searches; its log just grows, with a warning.
class LogPruner {
public:
    explicit LogPruner(QString logName)
        : m_logName(std::move(logName)) {}

    void pruneIfDue(const std::function<void()>& prune);

private:
    QString m_logName;
    std::optional<std::chrono::steady_clock::time_point> m_last;
};

} // namespace quiver
