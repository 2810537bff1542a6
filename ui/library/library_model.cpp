#include "ui/library/library_model.h"

#include "ui/common/plain_tool_tip.h"

#include <QLocale>

namespace quiver {

namespace {
// internalId: 0 for a collection row, collection row + 1 for a document row.
constexpr quintptr kCollection = 0;
} // namespace

LibraryModel::LibraryModel(QObject* parent)
    : QAbstractItemModel(parent) {}

void LibraryModel::setLibrary(const QList<LibraryCollection>& collections) {
    beginResetModel();
    m_collections = collections;
    endResetModel();
}

qint64 LibraryModel::documentCount() const {
    qint64 n = 0;
    for (const LibraryCollection& c : m_collections)
        n += c.documents.size();
    return n;
}

QModelIndex LibraryModel::index(int row, int column, const QModelIndex& parent) const {
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_collections.size() ? createIndex(row, column, kCollection) : QModelIndex();
    if (parent.internalId() != kCollection || parent.row() >= m_collections.size())
        return {};
    if (row >= m_collections[parent.row()].documents.size())
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex LibraryModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == kCollection)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kCollection);
}

int LibraryModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return static_cast<int>(m_collections.size());
    if (parent.column() != 0 || parent.internalId() != kCollection)
        return 0;
    return static_cast<int>(m_collections[parent.row()].documents.size());
}

int LibraryModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant LibraryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    if (index.internalId() == kCollection)
        return collectionData(m_collections[index.row()], index.column(), role);
    const LibraryCollection& c = m_collections[static_cast<qsizetype>(index.internalId() - 1)];
    if (role == CollectionIdRole)
        return c.id;
    return documentData(c.documents[index.row()], index.column(), role);
}

QVariant LibraryModel::collectionData(const LibraryCollection& c, int column, int role) const {
    if (role == CollectionIdRole)
        return c.id;
    if (role == DocumentIdRole)
        return qint64(0);
    qint64 size = 0, pages = 0, chunks = 0, embedded = 0;
    QDateTime latest;
    for (const LibraryDocument& d : c.documents) {
        size += d.sizeBytes;
        pages += d.pages;
        chunks += d.chunks;
        embedded += d.embeddedChunks;
        if (!latest.isValid() || d.importedAt > latest)
            latest = d.importedAt;
    }
    const int percent = chunks > 0 ? static_cast<int>(embedded * 100 / chunks) : 0;
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Title:
            return tr("%1 (%n document(s))", nullptr, int(c.documents.size())).arg(c.name);
        case Type:
            return tr("Collection");
        case Size:
            return locale.formattedDataSize(size);
        case Pages:
            return pages > 0 ? locale.toString(pages) : QString();
        case Chunks:
            return locale.toString(chunks);
        case Embedded:
            return QStringLiteral("%1%").arg(percent);
        case Imported:
            return latest.isValid() ? locale.toString(latest.toLocalTime(), QLocale::ShortFormat)
                                    : QString();
        default:
            break;
        }
    } else if (role == SortRole) {
        switch (column) {
        case Title:
            return c.name.toLower();
        case Type:
            return QString();
        case Size:
            return size;
        case Pages:
            return pages;
        case Chunks:
            return chunks;
        case Embedded:
            return percent;
        case Imported:
            return latest;
        default:
            break;
        }
    } else if (role == Qt::ToolTipRole && column == Title) {
        return plainToolTip(c.name);
    } else if (role == Qt::TextAlignmentRole && column >= Size && column <= Embedded) {
        // Figures line up with their documents' below.
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant LibraryModel::documentData(const LibraryDocument& d, int column, int role) const {
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Title:
            return d.title.isEmpty() ? d.path : d.title;
        case Type:
            return d.format.toUpper();
        case Size:
            return locale.formattedDataSize(d.sizeBytes);
        case Pages:
            return d.pages > 0 ? locale.toString(d.pages) : QString();
        case Chunks:
            return locale.toString(d.chunks);
        case Embedded:
            return QStringLiteral("%1%").arg(d.embeddedPercent());
        case Imported:
            return locale.toString(d.importedAt.toLocalTime(), QLocale::ShortFormat);
        default:
            break;
        }
        break;
    case SortRole:
        switch (column) {
        case Title:
            return (d.title.isEmpty() ? d.path : d.title).toLower();
        case Type:
            return d.format;
        case Size:
            return d.sizeBytes;
        case Pages:
            return d.pages;
        case Chunks:
            return d.chunks;
        case Embedded:
            return d.embeddedPercent();
        case Imported:
            return d.importedAt;
        default:
            break;
        }
        break;
    case Qt::ToolTipRole:
        return plainToolTip(d.path);
    case PathRole:
        return d.path;
    case DocumentIdRole:
        return d.id;
    case Qt::TextAlignmentRole:
        if (column >= Size && column <= Embedded)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant LibraryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Title:
        return tr("Title");
    case Type:
        return tr("Type");
    case Size:
        return tr("Size");
    case Pages:
        return tr("Pages");
    case Chunks:
        return tr("Passages");
    case Embedded:
        return tr("Embedded");
    case Imported:
        return tr("Imported");
    default:
        return {};
    }
}

} // namespace quiver
