#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <algorithm>
#include <vector>

namespace quiver::test {

// Measures the gaps between ticks of a 5 ms timer on the thread that owns it (the GUI thread):
// their distribution, and the longest with the phase it fell in. Work done on that thread shows
// in the distribution; a loaded machine keeping the thread off the CPU now and then shows only in
// the longest gap, which therefore has a bound of its own.
class StallMonitor : public QObject {
public:
    StallMonitor() {
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this]() {
            const qint64 gap = m_clock.restart();
            m_gaps.push_back(gap);
            if (gap > m_worst) {
                m_worst = gap;
                m_worstPhase = m_phase;
            }
        });
    }
    // The gap that this share of all gaps does not exceed.
    qint64 percentileMs(double share) const {
        if (m_gaps.empty())
            return 0;
        std::vector<qint64> sorted = m_gaps;
        const auto at = static_cast<std::ptrdiff_t>(share * static_cast<double>(sorted.size() - 1));
        std::nth_element(sorted.begin(), sorted.begin() + at, sorted.end());
        return sorted[static_cast<std::size_t>(at)];
    }
    void setPhase(const QString& phase) { m_phase = phase; }
    QString worstPhase() const { return m_worstPhase; }
    void start() {
        m_clock.start();
        m_timer.start();
    }
    void pause() { m_timer.stop(); }
    void resume() {
        m_clock.restart();
        m_timer.start();
    }
    qint64 worstGapMs() const { return m_worst; }
    qsizetype count() const { return static_cast<qsizetype>(m_gaps.size()); }

private:
    std::vector<qint64> m_gaps;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_worst = 0;
    QString m_phase;
    QString m_worstPhase;
};

// Bounds for StallMonitor's figures: the 99th percentile gap and the longest one. A sanitizer
// build (QUIVER_SANITIZED_BUILD, set per test target) runs the same GUI code several times slower
// and is held to proportionally longer bounds.
#ifdef QUIVER_SANITIZED_BUILD
constexpr qint64 kTypicalGapMs = 200;
constexpr qint64 kLongestGapMs = 2000;
#else
constexpr qint64 kTypicalGapMs = 50;
constexpr qint64 kLongestGapMs = 500;
#endif

} // namespace quiver::test
