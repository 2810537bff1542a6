#pragma once

#include <QCoreApplication>
#include <QString>

#include <optional>

namespace quiver {

// How long a long task has left, from the fraction done and the time it took: the average rate
// since the start (phases of one build go at different speeds; the average steadies where a
// recent rate would swing). Nothing until there is enough to go on.
class EtaEstimate {
    Q_DECLARE_TR_FUNCTIONS(EtaEstimate)

public:
    void start(qint64 nowMs);
    // The seconds left at nowMs, once at least kMinFraction is done and kMinElapsedMs passed.
    std::optional<qint64> secondsLeft(double fraction, qint64 nowMs) const;

    // "about 40 s left", "about 3 min left", "about 2 h left".
    static QString describe(qint64 seconds);

    static constexpr double kMinFraction = 0.03;
    static constexpr qint64 kMinElapsedMs = 3000;

private:
    qint64 m_startMs = -1;
};

} // namespace quiver
