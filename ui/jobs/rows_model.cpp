#include "ui/jobs/rows_model.h"

#include "ui/common/plain_tool_tip.h"

namespace quiver {

RowsModel::RowsModel(QStringList headers, QObject* parent)
    : QAbstractTableModel(parent)
    , m_headers(std::move(headers)) {}

void RowsModel::setRows(QList<Row> rows) {
    for (Row& r : rows) {
        while (r.cells.size() < m_headers.size())
            r.cells.append(QString());
    }
    if (rows.size() == m_rows.size()) {
        // Same shape: update in place, so that views keep their selection and scroll position.
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

QVariant RowsModel::idAt(int row) const {
    return row >= 0 && row < m_rows.size() ? m_rows[row].id : QVariant();
}

int RowsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RowsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_headers.size());
}

QVariant RowsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[index.row()];
    if (role == Qt::DisplayRole)
        return row.cells.value(index.column());
    if (role == Qt::ToolTipRole) // job names and errors come from the shared database
        return plainToolTip(row.cells.value(index.column()));
    if (role == Qt::UserRole)
        return row.id;
    return {};
}

QVariant RowsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return m_headers.value(section);
    return section + 1;
}

} // namespace quiver
