#include "core/search/log_pruner.h"

#include "core/db/db_error.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcLogPruner, "quiver.search.prune")

namespace quiver {

void LogPruner::pruneIfDue(const std::function<void()>& prune) {
    const auto now = std::chrono::steady_clock::now();
    if (m_last && now - *m_last < std::chrono::hours(1))
        return;
    m_last = now;
    try {
        prune();
    } catch (const DbError& e) {
        qCWarning(lcLogPruner).noquote()
            << "cannot prune the" << m_logName << "log:" << e.message();
    }
}

} // namespace quiver
