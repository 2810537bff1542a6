#pragma once

#include "core/ingest/library_reader.h"

#include <QAbstractItemModel>

namespace quiver {

// Collections (top level) and their documents (children) with the columns the Library page
// shows. Display text is formatted for people; SortRole holds the raw value to sort by.
class LibraryModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Title, Type, Size, Pages, Chunks, Embedded, Imported, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1,
        PathRole,        // documents: the file's path
        DocumentIdRole,  // documents: id; 0 for collections
        CollectionIdRole // both
    };

    explicit LibraryModel(QObject* parent = nullptr);

    void setLibrary(const QList<LibraryCollection>& collections);
    const QList<LibraryCollection>& library() const { return m_collections; }
    qint64 documentCount() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant collectionData(const LibraryCollection& c, int column, int role) const;
    QVariant documentData(const LibraryDocument& d, int column, int role) const;

    QList<LibraryCollection> m_collections;
};

} // namespace quiver
