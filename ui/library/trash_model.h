#pragma once

#include "core/ingest/document_trash.h"

#include <QAbstractTableModel>

namespace quiver {

// The documents in the trash, one row each, for the Library's Trash view. Display text is
// formatted for people; SortRole holds the raw value to sort by.
class TrashModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Title, Collection, Chunks, Embeddings, Removed, Reason, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, DocumentIdRole };

    explicit TrashModel(QObject* parent = nullptr);

    void setDocuments(const QList<TrashedDocument>& documents);
    const QList<TrashedDocument>& documents() const { return m_documents; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<TrashedDocument> m_documents;
};

} // namespace quiver
