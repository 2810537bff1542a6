#pragma once

#include "core/search/search_service.h"
#include "ui/common/eta_estimate.h"

#include <QWidget>

#include <functional>

class QLabel;
class QProgressBar;

namespace quiver {

// The search indexes' build in the status bar: what is being built, a bar and the time left,
// while the Search page's service builds; nothing otherwise. The build runs in the service's
// thread: this only shows its reports.
class IndexStatusWidget : public QWidget {
    Q_OBJECT
public:
    explicit IndexStatusWidget(SearchService* service, QWidget* parent = nullptr);

    // Tests give the time.
    void setClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }
    QString text() const;

public slots:
    void onState(quiver::SearchService::State state, const QString& message, double progress);

private:
    QProgressBar* m_bar = nullptr;
    QLabel* m_text = nullptr;
    EtaEstimate m_eta;
    bool m_building = false;
    double m_last = 0.0; // the fraction last shown: a drop starts the next index's build
    std::function<qint64()> m_now;
};

} // namespace quiver
