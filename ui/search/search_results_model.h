#pragma once

#include "core/search/search_types.h"

#include <QAbstractListModel>
#include <QStringList>

namespace quiver {

// The results of one search, grouped by document: documents in the order of their best
// passage, under each its best kPerDocument passages and, when it has more, a "more from this
// document" row that shows the rest when activated. DisplayRole is the title (or the file name);
// HtmlRole is the whole entry as rich text with the query's words highlighted.
class SearchResultsModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        HtmlRole = Qt::UserRole + 1,
        PathRole,
        TextRole,
        ChunkIdRole, // 0 on a "more" row
        PageRole,    // int, 0 when unknown
        ScoreRole,
        CollectionRole,
        MimeRole,
        RelevanceRole, // 0 to 1: the score against the best result's
        IsMoreRole,    // bool: a "more from this document" row
        DocumentIdRole,
    };
    static constexpr int kPerDocument = 3;

    explicit SearchResultsModel(QObject* parent = nullptr);

    void setResults(const QList<SearchHit>& hits, const QStringList& terms);
    void clear();
    // The hit on a row; nullptr on a "more" row.
    const SearchHit* hitAt(int row) const;
    bool isMore(int row) const;
    // Shows the rest of a "more" row's document; returns the row of its first newly shown hit.
    int expand(int row);
    const QStringList& terms() const { return m_terms; }
    int hitCount() const { return static_cast<int>(m_hits.size()); }
    int documentCount() const { return static_cast<int>(m_groups.size()); }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The entry's rich text: heading (title, collection, page, relevance) when first of its
    // document, and the chunk text with terms marked; the text is escaped, so nothing in a
    // document is read as markup.
    static QString html(const SearchHit& hit, const QStringList& terms, double relevance = 1.0,
                        bool heading = true);
    // The path and each arm's reason for the hit, with its numbers, as escaped rich text.
    static QString toolTip(const SearchHit& hit);
    // text escaped as rich text, the words whose term is among terms marked.
    static QString markTerms(const QString& text, const QStringList& terms);
    // Relevance in words, for people: "Best match", "Good match", ...
    static QString relevanceWords(double relevance);

private:
    struct Group {
        qint64 documentId = 0;
        QList<int> hits; // indexes into m_hits, best first
        bool expanded = false;
    };
    struct Row {
        int group = 0;
        int hit = -1; // index into m_hits; -1: the group's "more" row
        bool first = false;
    };
    void buildRows();

    QList<SearchHit> m_hits;
    QStringList m_terms;
    QList<Group> m_groups;
    QList<Row> m_rows;
    double m_best = 0;
};

} // namespace quiver
