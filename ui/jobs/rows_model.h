#pragma once

#include <QAbstractTableModel>
#include <QStringList>
#include <QVariant>

namespace quiver {

// A read-only table of display rows for the Jobs page's views: each row is its cells' text and
// an id (Qt::UserRole on every cell). setRows() replaces the rows and keeps the selection's
// meaning by resetting the model only when the shape changes.
class RowsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    struct Row {
        QVariant id;
        QStringList cells;
    };

    explicit RowsModel(QStringList headers, QObject* parent = nullptr);

    void setRows(QList<Row> rows);
    QVariant idAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList m_headers;
    QList<Row> m_rows;
};

} // namespace quiver
