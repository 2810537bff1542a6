#include "ui/search/search_results_model.h"

#include "core/search/query_terms.h"

#include <QFileInfo>
#include <QLocale>

namespace quiver {

namespace {
constexpr int kMaxTextChars = 600;

QString displayTitle(const SearchHit& h) {
    return h.title.isEmpty() ? QFileInfo(h.path).fileName() : h.title;
}

// Rows are drawn on the GUI thread, each paint asking for its HTML: one analyzer per thread.
TextAnalyzer& highlightAnalyzer() {
    thread_local TextAnalyzer analyzer;
    return analyzer;
}
} // namespace

SearchResultsModel::SearchResultsModel(QObject* parent)
    : QAbstractListModel(parent) {}

void SearchResultsModel::setResults(const QList<SearchHit>& hits, const QStringList& terms) {
    beginResetModel();
    m_hits = hits;
    m_terms = terms;
    endResetModel();
}

void SearchResultsModel::clear() {
    setResults({}, {});
}

int SearchResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_hits.size());
}

QString SearchResultsModel::html(const SearchHit& h, const QStringList& terms) {
    QString text = h.text.simplified();
    if (text.size() > kMaxTextChars)
        text = text.left(kMaxTextChars) + QChar(0x2026);
    QString body;
    int at = 0;
    // The terms are index terms (highlightTerms) or words as typed: both match by their term.
    TextAnalyzer& analyzer = highlightAnalyzer();
    QSet<QString> wanted;
    for (const QString& t : terms) {
        wanted.insert(t);
        if (const std::string analysed = analyzer.term(t); !analysed.empty())
            wanted.insert(QString::fromStdString(analysed));
    }
    for (const auto& [start, length] : highlightMatches(text, wanted, analyzer)) {
        body += text.mid(at, start - at).toHtmlEscaped();
        body += QStringLiteral("<span style=\"background-color:#ffe58f;color:#000;\">") +
                text.mid(start, length).toHtmlEscaped() + QStringLiteral("</span>");
        at = start + length;
    }
    body += text.mid(at).toHtmlEscaped();
    QString meta = h.collection.toHtmlEscaped();
    if (h.page)
        meta += QObject::tr(" · page %1").arg(*h.page);
    meta += QObject::tr(" · score %1").arg(QLocale().toString(h.score, 'f', 3));
    return QStringLiteral("<b>%1</b> <span style=\"color:gray;\">%2</span><br/>%3")
        .arg(displayTitle(h).toHtmlEscaped(), meta, body);
}

// The path and why the passage came up: "matched: river, expedition · similar meaning: 0.41".
// Paths and words come from files and queries: escaped, so they are shown, never interpreted.
QString SearchResultsModel::toolTip(const SearchHit& h) {
    QStringList why;
    const QLocale locale;
    if (!h.matched.isEmpty())
        why << QObject::tr("matched: %1").arg(h.matched.join(QStringLiteral(", ")));
    if (h.keyword)
        why << QObject::tr("keyword rank %1 (BM25 %2)")
                   .arg(h.keyword->rank)
                   .arg(locale.toString(h.keyword->score, 'f', 2));
    if (h.semantic)
        why << QObject::tr("similar meaning: %1 (rank %2)")
                   .arg(locale.toString(h.semantic->score, 'f', 2))
                   .arg(h.semantic->rank);
    QString tip = QStringLiteral("<p>") + h.path.toHtmlEscaped();
    if (!why.isEmpty())
        tip += QStringLiteral("<br/>") + why.join(QStringLiteral(" · ")).toHtmlEscaped();
    return tip + QStringLiteral("</p>");
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SearchHit& h = m_hits.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayTitle(h);
    case Qt::ToolTipRole:
        return toolTip(h);
    case HtmlRole:
        return html(h, m_terms);
    case PathRole:
        return h.path;
    case TextRole:
        return h.text;
    case ChunkIdRole:
        return h.chunkId;
    case PageRole:
        return h.page.value_or(0);
    case ScoreRole:
        return h.score;
    case CollectionRole:
        return h.collection;
    case MimeRole:
        return h.mime;
    default:
        return {};
    }
}

QHash<int, QByteArray> SearchResultsModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(HtmlRole, "html");
    names.insert(PathRole, "path");
    names.insert(TextRole, "text");
    names.insert(ChunkIdRole, "chunkId");
    names.insert(PageRole, "page");
    names.insert(ScoreRole, "score");
    names.insert(CollectionRole, "collection");
    names.insert(MimeRole, "mime");
    return names;
}

} // namespace quiver
