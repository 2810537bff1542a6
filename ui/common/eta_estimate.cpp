#include "ui/common/eta_estimate.h"

#include <cmath>

namespace quiver {

void EtaEstimate::start(qint64 nowMs) {
    m_startMs = nowMs;
}

std::optional<qint64> EtaEstimate::secondsLeft(double fraction, qint64 nowMs) const {
    const qint64 elapsed = nowMs - m_startMs;
    if (m_startMs < 0 || fraction < kMinFraction || fraction >= 1.0 || elapsed < kMinElapsedMs)
        return std::nullopt;
    const double left = static_cast<double>(elapsed) * (1.0 - fraction) / fraction / 1000.0;
    return static_cast<qint64>(std::ceil(left));
}

QString EtaEstimate::describe(qint64 seconds) {
    // Rounded up to the unit shown: a promise kept rather than one missed.
    if (seconds < 60)
        return tr("about %1 s left").arg(std::max<qint64>(5, (seconds + 4) / 5 * 5));
    if (seconds < 90 * 60)
        return tr("about %n min left", nullptr, static_cast<int>((seconds + 59) / 60));
    return tr("about %n h left", nullptr, static_cast<int>((seconds + 3599) / 3600));
}

} // namespace quiver
