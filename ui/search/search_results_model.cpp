#include "ui/search/search_results_model.h"

#include "core/search/query_terms.h"

#include <QFileInfo>
#include <QHash>
#include <QLocale>

namespace quiver {

namespace {
constexpr int kMaxTextChars = 600;
constexpr int kRelevanceDots = 5;

QString displayTitle(const SearchHit& h) {
    return h.title.isEmpty() ? QFileInfo(h.path).fileName() : h.title;
}

// Rows are drawn on the GUI thread, each paint asking for its HTML: one analyzer per thread.
TextAnalyzer& highlightAnalyzer() {
    thread_local TextAnalyzer analyzer;
    return analyzer;
}

// Five dots, as many filled as the relevance earns: read at a glance, exact in the tooltip.
QString relevanceDots(double relevance) {
    const int filled =
        qBound(1, static_cast<int>(relevance * kRelevanceDots + 0.5), kRelevanceDots);
    return QString(filled, QChar(0x25CF)) + QString(kRelevanceDots - filled, QChar(0x25CB));
}
} // namespace

SearchResultsModel::SearchResultsModel(QObject* parent)
    : QAbstractListModel(parent) {}

void SearchResultsModel::setResults(const QList<SearchHit>& hits, const QStringList& terms) {
    beginResetModel();
    m_hits = hits;
    m_terms = terms;
    m_groups.clear();
    m_best = 0;
    QHash<qint64, int> groupOf;
    for (int i = 0; i < m_hits.size(); ++i) {
        m_best = qMax(m_best, m_hits[i].score);
        const qint64 doc = m_hits[i].documentId;
        // A hit without a document id (never expected) stands alone rather than grouping.
        auto it = doc > 0 ? groupOf.constFind(doc) : groupOf.constEnd();
        if (it == groupOf.constEnd()) {
            if (doc > 0)
                groupOf.insert(doc, static_cast<int>(m_groups.size()));
            m_groups.append({doc, {i}, false});
        } else {
            m_groups[*it].hits.append(i);
        }
    }
    buildRows();
    endResetModel();
}

void SearchResultsModel::clear() {
    setResults({}, {});
}

void SearchResultsModel::buildRows() {
    m_rows.clear();
    for (int g = 0; g < m_groups.size(); ++g) {
        const Group& group = m_groups[g];
        const qsizetype shown =
            group.expanded ? group.hits.size() : qMin<qsizetype>(kPerDocument, group.hits.size());
        for (qsizetype i = 0; i < shown; ++i)
            m_rows.append({g, group.hits[i], i == 0});
        if (shown < group.hits.size())
            m_rows.append({g, -1, false});
    }
}

const SearchHit* SearchResultsModel::hitAt(int row) const {
    if (row < 0 || row >= m_rows.size() || m_rows[row].hit < 0)
        return nullptr;
    return &m_hits[m_rows[row].hit];
}

bool SearchResultsModel::isMore(int row) const {
    return row >= 0 && row < m_rows.size() && m_rows[row].hit < 0;
}

int SearchResultsModel::expand(int row) {
    if (!isMore(row))
        return -1;
    beginResetModel();
    m_groups[m_rows[row].group].expanded = true;
    buildRows();
    endResetModel();
    return row; // the first hidden hit takes the "more" row's place
}

int SearchResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QString SearchResultsModel::relevanceWords(double relevance) {
    if (relevance >= 0.9)
        return tr("Best match");
    if (relevance >= 0.6)
        return tr("Good match");
    if (relevance >= 0.3)
        return tr("Partial match");
    return tr("Weak match");
}

QString SearchResultsModel::markTerms(const QString& text, const QStringList& terms) {
    QString body;
    int at = 0;
    // Only the words whose analysed term is one of the query's terms: never a stop word, never
    // a word that merely starts like a query word.
    TextAnalyzer& analyzer = highlightAnalyzer();
    QSet<QString> wanted;
    // The terms are index terms (highlightTerms) or words as typed: both match by their term.
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
    return body;
}

QString SearchResultsModel::html(const SearchHit& h, const QStringList& terms, double relevance,
                                 bool heading) {
    QString text = h.text.simplified();
    if (text.size() > kMaxTextChars)
        text = text.left(kMaxTextChars) + QChar(0x2026);
    const QString body = markTerms(text, terms);
    QString meta;
    if (heading)
        meta = h.collection.toHtmlEscaped();
    if (h.page)
        meta += (meta.isEmpty() ? QString() : QStringLiteral(" · ")) + tr("page %1").arg(*h.page);
    meta += (meta.isEmpty() ? QString() : QStringLiteral(" · ")) +
            QStringLiteral("<span style=\"color:#3a6ea5;\">%1</span> %2")
                .arg(relevanceDots(relevance), relevanceWords(relevance));
    if (heading)
        return QStringLiteral("<b>%1</b> <span style=\"color:gray;\">%2</span><br/>%3")
            .arg(displayTitle(h).toHtmlEscaped(), meta, body);
    // A further passage of the document above: indented, no title again.
    return QStringLiteral("<div style=\"margin-left:18px;\"><span style=\"color:gray;\">%1</span>"
                          "<br/>%2</div>")
        .arg(meta, body);
}

// The path and why the passage came up: "matched: river, expedition · similar meaning: 0.41".
// Paths and words come from files and queries: escaped, so they are shown, never interpreted.
QString SearchResultsModel::toolTip(const SearchHit& h) {
    QStringList why;
    const QLocale locale;
    if (!h.matched.isEmpty())
        why << tr("matched: %1").arg(h.matched.join(QStringLiteral(", ")));
    if (h.keyword)
        why << tr("keyword rank %1 (BM25 %2)")
                   .arg(h.keyword->rank)
                   .arg(locale.toString(h.keyword->score, 'f', 2));
    if (h.semantic)
        why << tr("similar meaning: %1 (rank %2)")
                   .arg(locale.toString(h.semantic->score, 'f', 2))
                   .arg(h.semantic->rank);
    why << tr("score %1").arg(locale.toString(h.score, 'f', 4));
    return QStringLiteral("<p>") + h.path.toHtmlEscaped() + QStringLiteral("<br/>") +
           why.join(QStringLiteral(" · ")).toHtmlEscaped() + QStringLiteral("</p>");
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const Group& group = m_groups.at(row.group);
    if (row.hit < 0) {
        const int hidden = static_cast<int>(group.hits.size()) - kPerDocument;
        const SearchHit& first = m_hits.at(group.hits.first());
        switch (role) {
        case Qt::DisplayRole:
            return displayTitle(first);
        case HtmlRole:
            return QStringLiteral("<div style=\"margin-left:18px;color:#3a6ea5;\">%1</div>")
                .arg(tr("Show %n more passage(s) from this document", nullptr, hidden));
        case Qt::ToolTipRole:
            return tr("Enter or double-click shows them");
        case Qt::AccessibleTextRole:
            return tr("%n more passage(s) from %1", nullptr, hidden).arg(displayTitle(first));
        case IsMoreRole:
            return true;
        case ChunkIdRole:
            return qint64(0);
        case DocumentIdRole:
            return group.documentId;
        case PathRole:
            return first.path;
        default:
            return {};
        }
    }
    const SearchHit& h = m_hits.at(row.hit);
    const double relevance = m_best > 0 ? qMax(0.0, h.score) / m_best : 0.0;
    switch (role) {
    case Qt::DisplayRole:
        return displayTitle(h);
    case Qt::ToolTipRole:
        return toolTip(h);
    case Qt::AccessibleTextRole:
        return tr("%1, %2: %3").arg(displayTitle(h), relevanceWords(relevance), h.text.left(200));
    case HtmlRole:
        return html(h, m_terms, relevance, row.first);
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
    case RelevanceRole:
        return relevance;
    case IsMoreRole:
        return false;
    case DocumentIdRole:
        return h.documentId;
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
    names.insert(RelevanceRole, "relevance");
    names.insert(IsMoreRole, "isMore");
    names.insert(DocumentIdRole, "documentId");
    return names;
}

} // namespace quiver
