#include "ui/search/search_result_delegate.h"

#include "ui/search/search_results_model.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>

namespace quiver {

namespace {
constexpr int kPadding = 8;

void layout(QTextDocument& doc, const QStyleOptionViewItem& option, const QModelIndex& index) {
    doc.setDefaultFont(option.font);
    doc.setDocumentMargin(0);
    doc.setHtml(index.data(SearchResultsModel::HtmlRole).toString());
    const int width = option.rect.width() > 0 ? option.rect.width() : 600;
    doc.setTextWidth(std::max(100, width - 2 * kPadding));
}
} // namespace

void SearchResultDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                 const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    QTextDocument doc;
    layout(doc, option, index);
    painter->save();
    painter->translate(option.rect.topLeft() + QPoint(kPadding, kPadding));
    QAbstractTextDocumentLayout::PaintContext ctx;
    ctx.palette = option.palette;
    if (option.state & QStyle::State_Selected)
        ctx.palette.setColor(QPalette::Text, option.palette.color(QPalette::HighlightedText));
    doc.documentLayout()->draw(painter, ctx);
    painter->restore();
}

QSize SearchResultDelegate::sizeHint(const QStyleOptionViewItem& option,
                                     const QModelIndex& index) const {
    QTextDocument doc;
    layout(doc, option, index);
    return {static_cast<int>(doc.idealWidth()) + 2 * kPadding,
            static_cast<int>(doc.size().height()) + 2 * kPadding};
}

} // namespace quiver
