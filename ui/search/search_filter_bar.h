#pragma once

#include "core/search/search_facets.h"
#include "core/search/search_types.h"

#include <QDateTime>
#include <QWidget>

#include <functional>

class QComboBox;

namespace quiver {

// Narrows a search to one collection, one document type and a time of import. The choices
// come from what is stored (setFacets); a choice survives a refresh while it still exists.
class SearchFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit SearchFilterBar(QWidget* parent = nullptr);

    void setFacets(const SearchFacets& facets);
    SearchFilters filters() const;
    // "Now" for the import-time choices; tests pin it.
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }

    // A short name for a stored MIME type ("PDF", "Word document"), or the type itself.
    static QString typeName(const QString& mime);

signals:
    void filtersChanged();

private:
    QComboBox* m_collection = nullptr;
    QComboBox* m_type = nullptr;
    QComboBox* m_imported = nullptr;
    std::function<QDateTime()> m_now;
};

} // namespace quiver
