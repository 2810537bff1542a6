#include "ui/jobs/jobs_page.h"

#include "ui/common/empty_state.h"

#include <QLabel>
#include <QVBoxLayout>

namespace quiver {

JobsPage::JobsPage(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("jobsPage"));

    auto* heading = new QLabel(tr("Jobs"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    auto* empty = new EmptyState(
        QStringLiteral(":/icons/jobs.svg"), tr("Background jobs"),
        tr("Embedding and indexing run here in the background, on a schedule you choose. "
           "Nothing is scheduled yet."),
        this);
    empty->setObjectName(QStringLiteral("jobsEmptyState"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(16);
    layout->addWidget(heading);
    layout->addWidget(empty, 1);
}

} // namespace quiver
