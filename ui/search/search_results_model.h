#pragma once

#include "core/search/search_types.h"

#include <QAbstractListModel>
#include <QStringList>

namespace quiver {

// The results of one search, best first. DisplayRole is the title (or the file name);
// HtmlRole is the whole entry as rich text with the query's words highlighted.
class SearchResultsModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        HtmlRole = Qt::UserRole + 1,
        PathRole,
        TextRole,
        ChunkIdRole,
        PageRole, // int, 0 when unknown
        ScoreRole,
        CollectionRole,
        MimeRole,
    };

    explicit SearchResultsModel(QObject* parent = nullptr);

    void setResults(const QList<SearchHit>& hits, const QStringList& terms);
    void clear();
    const SearchHit& hit(int row) const { return m_hits.at(row); }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The entry's rich text: heading (title, collection, page, score) and the chunk text with
    // terms marked; the text is escaped, so nothing in a document is read as markup.
    static QString html(const SearchHit& hit, const QStringList& terms);
    // The path and each arm's reason for the hit, as escaped rich text.
    static QString toolTip(const SearchHit& hit);

private:
    QList<SearchHit> m_hits;
    QStringList m_terms;
};

} // namespace quiver
