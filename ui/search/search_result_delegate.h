#pragma once

#include <QStyledItemDelegate>

namespace quiver {

// Draws a result as the rich text of SearchResultsModel::HtmlRole, wrapped to the view's width.
class SearchResultDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace quiver
