#include "ui/search/search_filter_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace quiver {

namespace {

// Import-time choices: the number of days back, 0 for any time.
constexpr int kAnyTime = 0;

// Rebuilds a combo's items after its first ("all") item and selects `keep` again if present.
void replaceItems(QComboBox* combo, const QList<QPair<QString, QVariant>>& items) {
    const QVariant keep = combo->currentData();
    const QSignalBlocker block(combo);
    while (combo->count() > 1)
        combo->removeItem(combo->count() - 1);
    for (const auto& [text, data] : items)
        combo->addItem(text, data);
    const int at = keep.isValid() ? combo->findData(keep) : -1;
    combo->setCurrentIndex(at >= 0 ? at : 0);
}

} // namespace

SearchFilterBar::SearchFilterBar(QWidget* parent)
    : QWidget(parent)
    , m_now([]() { return QDateTime::currentDateTimeUtc(); }) {
    setObjectName(QStringLiteral("searchFilterBar"));
    m_collection = new QComboBox(this);
    m_collection->setObjectName(QStringLiteral("searchCollectionCombo"));
    m_collection->addItem(tr("All collections"));
    m_collection->setToolTip(tr("Search one collection only"));
    m_collection->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_collection->setAccessibleName(tr("Collection filter"));

    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("searchTypeCombo"));
    m_type->addItem(tr("All types"));
    m_type->setToolTip(tr("Search one kind of document only"));
    m_type->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_type->setAccessibleName(tr("Document type filter"));

    m_imported = new QComboBox(this);
    m_imported->setObjectName(QStringLiteral("searchImportedCombo"));
    m_imported->addItem(tr("Imported any time"), kAnyTime);
    m_imported->addItem(tr("Imported today"), 1);
    m_imported->addItem(tr("Imported in the last 7 days"), 7);
    m_imported->addItem(tr("Imported in the last 30 days"), 30);
    m_imported->addItem(tr("Imported in the last year"), 365);
    m_imported->setToolTip(tr("Search documents imported recently only"));
    m_imported->setAccessibleName(tr("Import date filter"));

    auto* label = new QLabel(tr("Filter:"), this);
    label->setForegroundRole(QPalette::PlaceholderText);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(label);
    row->addWidget(m_collection);
    row->addWidget(m_type);
    row->addWidget(m_imported);
    row->addStretch(1);

    for (QComboBox* combo : {m_collection, m_type, m_imported})
        connect(combo, &QComboBox::currentIndexChanged, this, &SearchFilterBar::filtersChanged);
}

void SearchFilterBar::setFacets(const SearchFacets& facets) {
    const SearchFilters before = filters();
    QList<QPair<QString, QVariant>> collections;
    for (const CollectionFacet& c : facets.collections)
        collections.append({c.name, c.id});
    replaceItems(m_collection, collections);
    QList<QPair<QString, QVariant>> types;
    QStringList names;
    for (const QString& mime : facets.mimeTypes)
        names.append(typeName(mime));
    for (qsizetype i = 0; i < facets.mimeTypes.size(); ++i) {
        // Two types with one name (text/csv, application/csv) are told apart by the type.
        const bool shared = names.count(names[i]) > 1 && names[i] != facets.mimeTypes[i];
        types.append(
            {shared ? QStringLiteral("%1 (%2)").arg(names[i], facets.mimeTypes[i]) : names[i],
             facets.mimeTypes[i]});
    }
    replaceItems(m_type, types);
    // A chosen collection or type that is gone falls back to "all": the search changes.
    const SearchFilters after = filters();
    if (after.collectionIds != before.collectionIds || after.mimeTypes != before.mimeTypes)
        emit filtersChanged();
}

SearchFilters SearchFilterBar::filters() const {
    SearchFilters f;
    if (m_collection->currentIndex() > 0)
        f.collectionIds = {m_collection->currentData().toLongLong()};
    if (m_type->currentIndex() > 0)
        f.mimeTypes = {m_type->currentData().toString()};
    const int days = m_imported->currentData().toInt();
    if (days != kAnyTime) {
        // "Today" means since local midnight; longer spans count back whole days from it.
        const QDateTime now = m_now().toLocalTime();
        f.importedAfter = QDateTime(now.date().addDays(1 - days), QTime(0, 0)).toUTC();
    }
    return f;
}

QString SearchFilterBar::typeName(const QString& mime) {
    static const QList<QPair<QString, const char*>> names = {
        {QStringLiteral("application/pdf"), QT_TR_NOOP("PDF")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         QT_TR_NOOP("Word document")},
        {QStringLiteral(
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
         QT_TR_NOOP("PowerPoint presentation")},
        {QStringLiteral("application/vnd.oasis.opendocument.text"),
         QT_TR_NOOP("OpenDocument text")},
        {QStringLiteral("application/vnd.oasis.opendocument.presentation"),
         QT_TR_NOOP("OpenDocument presentation")},
        {QStringLiteral("application/epub+zip"), QT_TR_NOOP("EPUB book")},
        {QStringLiteral("text/html"), QT_TR_NOOP("Web page")},
        {QStringLiteral("application/xhtml+xml"), QT_TR_NOOP("Web page (XHTML)")},
        {QStringLiteral("text/markdown"), QT_TR_NOOP("Markdown")},
        {QStringLiteral("text/plain"), QT_TR_NOOP("Plain text")},
        {QStringLiteral("text/csv"), QT_TR_NOOP("CSV")},
        {QStringLiteral("application/csv"), QT_TR_NOOP("CSV")},
        {QStringLiteral("application/json"), QT_TR_NOOP("JSON")},
    };
    for (const auto& [type, name] : names)
        if (type == mime)
            return tr(name);
    return mime;
}

} // namespace quiver
