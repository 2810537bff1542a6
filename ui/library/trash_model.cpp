#include "ui/library/trash_model.h"

#include "ui/common/plain_tool_tip.h"

#include <QLocale>

namespace quiver {

TrashModel::TrashModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void TrashModel::setDocuments(const QList<TrashedDocument>& documents) {
    beginResetModel();
    m_documents = documents;
    endResetModel();
}

int TrashModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_documents.size());
}

int TrashModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrashModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_documents.size())
        return {};
    const TrashedDocument& d = m_documents[index.row()];
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Title:
            return d.title.isEmpty() ? d.path : d.title;
        case Collection:
            return d.collection;
        case Chunks:
            return locale.toString(d.chunks);
        case Embeddings:
            return locale.toString(d.embeddings);
        case Removed:
            return locale.toString(d.trashedAt.toLocalTime(), QLocale::ShortFormat);
        case Reason:
            return d.reason;
        default:
            return {};
        }
    case SortRole:
        switch (index.column()) {
        case Title:
            return (d.title.isEmpty() ? d.path : d.title).toLower();
        case Collection:
            return d.collection.toLower();
        case Chunks:
            return d.chunks;
        case Embeddings:
            return d.embeddings;
        case Removed:
            return d.trashedAt;
        case Reason:
            return d.reason;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return plainToolTip(d.path);
    case DocumentIdRole:
        return d.id;
    case Qt::TextAlignmentRole:
        if (index.column() == Chunks || index.column() == Embeddings)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant TrashModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Title:
        return tr("Title");
    case Collection:
        return tr("Collection");
    case Chunks:
        return tr("Passages");
    case Embeddings:
        return tr("Embeddings");
    case Removed:
        return tr("Removed");
    case Reason:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace quiver
