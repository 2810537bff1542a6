#include "ui/search/search_page.h"

#include "ui/common/empty_state.h"

#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace quiver {

SearchPage::SearchPage(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("searchPage"));

    auto* heading = new QLabel(tr("Search"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_query = new QLineEdit(this);
    m_query->setObjectName(QStringLiteral("searchQueryEdit"));
    m_query->setPlaceholderText(tr("Search your documents"));
    m_query->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
    m_query->setClearButtonEnabled(true);
    m_query->setMinimumHeight(m_query->sizeHint().height() + 8);
    m_query->setEnabled(false);

    auto* empty = new EmptyState(
        QStringLiteral(":/icons/search.svg"), tr("Search your documents"),
        tr("Ask in your own words; Quiver finds the passages that mean the same thing. "
           "Search becomes available once your documents have embeddings."),
        this);
    empty->setObjectName(QStringLiteral("searchEmptyState"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(16);
    layout->addWidget(heading);
    layout->addWidget(m_query);
    layout->addWidget(empty, 1);
}

} // namespace quiver
