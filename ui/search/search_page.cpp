#include "ui/search/search_page.h"

#include "core/search/query_embedder_factory.h"
#include "core/search/query_terms.h"
#include "ui/common/empty_state.h"
#include "ui/search/passage_actions.h"
#include "ui/search/search_filter_bar.h"
#include "ui/search/search_preview.h"
#include "ui/search/search_result_delegate.h"
#include "ui/search/search_results_model.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace quiver {

namespace {
const QString kSplitterKey = QStringLiteral("search/splitter");
// Enough for several documents with a few passages each once grouped.
constexpr int kResults = 50;
} // namespace

SearchPage::SearchPage(QWidget* parent)
    : QWidget(parent)
    , m_service(new SearchService(this))
    , m_model(new SearchResultsModel(this))
    , m_actions(new PassageActions(this)) {
    setObjectName(QStringLiteral("searchPage"));
    // A query is embedded by the profile that made the index's vectors.
    m_service->setEmbedderFactory([](PgConnection& conn, const QString& model) {
        return queryEmbedderForModel(conn, model);
    });

    auto* heading = new QLabel(tr("Search"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_query = new QLineEdit(this);
    m_query->setObjectName(QStringLiteral("searchQueryEdit"));
    m_query->setPlaceholderText(tr("Search your documents"));
    m_query->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
    m_query->setClearButtonEnabled(true);
    m_query->setMinimumHeight(m_query->sizeHint().height() + 8);
    m_query->setEnabled(false);
    m_query->installEventFilter(this);
    m_query->setAccessibleName(tr("Search"));
    m_query->setToolTip(tr("Ctrl+K or Ctrl+F from anywhere; Down moves to the results, Esc "
                           "clears"));

    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("searchModeCombo"));
    m_mode->addItem(tr("Hybrid"), static_cast<int>(SearchMode::Hybrid));
    m_mode->addItem(tr("Meaning"), static_cast<int>(SearchMode::Semantic));
    m_mode->addItem(tr("Keywords"), static_cast<int>(SearchMode::Keyword));
    m_mode->setToolTip(tr("Hybrid combines search by meaning with search by keywords"));
    m_mode->setAccessibleName(tr("Search mode"));

    m_filters = new SearchFilterBar(this);
    connect(m_filters, &SearchFilterBar::filtersChanged, this, &SearchPage::startSearch);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("searchStatusLabel"));
    m_status->setTextFormat(Qt::PlainText); // titles and paths of documents
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setWordWrap(true);
    connect(m_actions, &PassageActions::failed, m_status, &QLabel::setText);

    m_empty = new EmptyState(QStringLiteral(":/icons/search.svg"), tr("Search your documents"),
                             tr("Connecting to the database…"), this);
    m_empty->setObjectName(QStringLiteral("searchEmptyState"));

    m_results = new QListView(this);
    m_results->setObjectName(QStringLiteral("searchResultsView"));
    m_results->setModel(m_model);
    m_results->setItemDelegate(new SearchResultDelegate(m_results));
    m_results->setWordWrap(true);
    m_results->setUniformItemSizes(false);
    m_results->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    m_results->setAlternatingRowColors(true);
    m_results->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_results->installEventFilter(this);
    m_results->setAccessibleName(tr("Search results"));
    m_results->setAccessibleDescription(
        tr("Passages that match the search, best first; Enter opens the document"));

    auto* open = new QAction(tr("&Open"), m_results);
    open->setObjectName(QStringLiteral("searchOpenAction"));
    connect(open, &QAction::triggered, this, &SearchPage::openCurrent);
    auto* copy = new QAction(tr("&Copy Text"), m_results);
    copy->setObjectName(QStringLiteral("searchCopyAction"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &SearchPage::copyCurrent);
    auto* more = new QAction(tr("&More Like This"), m_results);
    more->setObjectName(QStringLiteral("searchMoreLikeThisAction"));
    more->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    more->setShortcutContext(Qt::WidgetShortcut);
    connect(more, &QAction::triggered, this, &SearchPage::moreLikeCurrent);
    m_results->addActions({open, copy, more});
    // Enter and double-click both activate an item.
    connect(m_results, &QListView::activated, this, &SearchPage::openCurrent);

    auto* showInFolder = new QAction(tr("Show in &Folder"), m_results);
    showInFolder->setObjectName(QStringLiteral("searchShowInFolderAction"));
    connect(showInFolder, &QAction::triggered, this, &SearchPage::showInFolderCurrent);
    m_results->addAction(showInFolder);

    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("searchStack"));
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_results);

    m_preview = new SearchPreview(this);
    connect(m_preview, &SearchPreview::openRequested, this, &SearchPage::openCurrent);
    connect(m_preview, &SearchPreview::copyRequested, this, &SearchPage::copyCurrent);
    connect(m_preview, &SearchPreview::showInFolderRequested, this,
            &SearchPage::showInFolderCurrent);
    connect(m_results->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SearchPage::previewCurrent);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SearchPage::previewCurrent);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("searchSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_stack);
    m_splitter->addWidget(m_preview);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->restoreState(QSettings().value(kSplitterKey).toByteArray());
    connect(m_splitter, &QSplitter::splitterMoved, this,
            [this]() { QSettings().setValue(kSplitterKey, m_splitter->saveState()); });

    m_debounce = new QTimer(this);
    m_debounce->setObjectName(QStringLiteral("searchDebounce"));
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &SearchPage::startSearch);
    connect(m_query, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_query, &QLineEdit::returnPressed, this, [this]() {
        m_debounce->stop();
        startSearch();
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, &SearchPage::startSearch);

    connect(m_service, &SearchService::resultsReady, this, &SearchPage::onResults);
    connect(m_service, &SearchService::searchFailed, this, &SearchPage::onFailed);
    connect(m_service, &SearchService::stateChanged, this, &SearchPage::onServiceState);
    connect(m_service, &SearchService::facetsReady, m_filters, &SearchFilterBar::setFacets);

    auto* row = new QHBoxLayout;
    row->addWidget(m_query, 1);
    row->addWidget(m_mode);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(12);
    layout->addWidget(heading);
    layout->addLayout(row);
    layout->addWidget(m_filters);
    layout->addWidget(m_status);
    layout->addWidget(m_splitter, 1);
    showEmpty(tr("Search your documents"),
              tr("Ask in your own words; Quiver finds the passages that mean the same thing. "
                 "Search becomes available once a database is open."));
}

SearchPage::~SearchPage() {
    QSettings().setValue(kSplitterKey, m_splitter->saveState());
}

void SearchPage::setDatabase(const DatabaseTarget& target) {
    m_preview->setDatabase(target);
    m_service->open(target);
}

void SearchPage::focusQuery() {
    m_query->setFocus(Qt::ShortcutFocusReason);
    m_query->selectAll();
}

void SearchPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    // Collections and types change with imports made elsewhere in the app.
    if (m_service->state() == SearchService::State::Ready)
        m_service->refreshFacets();
}

void SearchPage::showEmpty(const QString& title, const QString& hint) {
    m_empty->setTitle(title);
    m_empty->setHint(hint);
    m_stack->setCurrentWidget(m_empty);
}

void SearchPage::onServiceState(SearchService::State state, const QString& message,
                                double progress) {
    switch (state) {
    case SearchService::State::NoDatabase:
    case SearchService::State::Opening:
        m_query->setEnabled(false);
        m_status->setText(message);
        showEmpty(tr("Search your documents"), message);
        break;
    case SearchService::State::Building:
        // Typing is allowed: the query runs as soon as the index is ready.
        m_query->setEnabled(true);
        m_status->setText(tr("Building the search index: %1 (%2%)")
                              .arg(message)
                              .arg(static_cast<int>(progress * 100)));
        if (m_model->rowCount() == 0)
            showEmpty(tr("Building the search index"),
                      tr("Quiver is reading your passages' embeddings into its index (%1%). "
                         "Search starts as soon as it is done; this happens once.")
                          .arg(static_cast<int>(progress * 100)));
        break;
    case SearchService::State::Ready:
        m_query->setEnabled(true);
        m_indexMessage = message;
        m_status->setText(message);
        if (m_query->text().trimmed().isEmpty())
            showEmpty(tr("Search your documents"),
                      tr("Type a question or a few words. Enter opens the selected passage's "
                         "file; Ctrl+C copies it; Ctrl+M finds passages like it; Esc clears."));
        else
            startSearch();
        break;
    case SearchService::State::Failed:
        m_query->setEnabled(false);
        m_status->setText(message);
        showEmpty(tr("Search is not available"),
                  tr("%1\nCheck the connection in File › Connection…").arg(message));
        break;
    }
}

void SearchPage::startSearch() {
    const QString text = m_query->text().trimmed();
    if (text.isEmpty()) {
        ++m_pending; // whatever is in flight is stale now
        m_model->clear();
        emit resultsShown({}, {});
        showEmpty(tr("Search your documents"),
                  tr("Type a question or a few words. Enter opens the selected passage's file; "
                     "Ctrl+C copies it; Ctrl+M finds passages like it."));
        return;
    }
    if (m_service->state() != SearchService::State::Ready &&
        m_service->state() != SearchService::State::Building)
        return;
    SearchRequest r;
    r.text = text;
    r.k = kResults;
    r.mode = static_cast<SearchMode>(m_mode->currentData().toInt());
    r.filters = m_filters->filters();
    m_pendingText = text;
    m_pending = m_service->search(r);
    m_status->setText(tr("Searching…"));
}

void SearchPage::onResults(int id, const QList<SearchHit>& hits, const QString& notice) {
    if (id != m_pending)
        return; // an answer to an older query
    TextAnalyzer analyzer;
    m_model->setResults(hits, highlightTerms(m_pendingText, analyzer).values());
    QString status = tr("%n passage(s)", nullptr, static_cast<int>(hits.size()));
    if (!hits.isEmpty())
        status += tr(" in %n document(s)", nullptr, m_model->documentCount());
    if (!notice.isEmpty())
        status += QStringLiteral(" · ") + notice;
    else if (!m_indexMessage.isEmpty())
        status += QStringLiteral(" · ") + m_indexMessage;
    m_status->setText(status);
    QList<qint64> chunks;
    chunks.reserve(hits.size());
    for (const SearchHit& h : hits)
        chunks.append(h.chunkId);
    emit resultsShown(m_pendingText, chunks);
    if (hits.isEmpty()) {
        showEmpty(tr("No passages match"),
                  m_filters->filters().isEmpty()
                      ? tr("Nothing matches “%1”. Try other words, fewer words, or another mode.")
                            .arg(m_pendingText)
                      : tr("Nothing matches “%1” within the filters. Try other words, or widen "
                           "the filters.")
                            .arg(m_pendingText));
        return;
    }
    m_stack->setCurrentWidget(m_results);
    m_results->setCurrentIndex(m_model->index(0, 0));
}

void SearchPage::onFailed(int id, const QString& message) {
    if (id != m_pending)
        return;
    m_model->clear();
    m_status->setText(message);
    emit resultsShown(m_pendingText, {});
    showEmpty(tr("Search failed"), message);
}

bool SearchPage::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (watched == m_query && key->key() == Qt::Key_Down && m_model->rowCount() > 0 &&
            m_stack->currentWidget() == m_results) {
            m_results->setFocus();
            if (!m_results->currentIndex().isValid())
                m_results->setCurrentIndex(m_model->index(0, 0));
            return true;
        }
        if (watched == m_results && key->key() == Qt::Key_Up &&
            m_results->currentIndex().row() <= 0) {
            m_query->setFocus();
            return true;
        }
        if (watched == m_query && key->key() == Qt::Key_Escape && !m_query->text().isEmpty()) {
            m_query->clear();
            m_debounce->stop();
            startSearch(); // shows the empty state at once
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

const SearchHit* SearchPage::currentHit() const {
    const QModelIndex i = m_results->currentIndex();
    return i.isValid() ? m_model->hitAt(i.row()) : nullptr;
}

void SearchPage::previewCurrent() {
    if (const SearchHit* h = currentHit())
        m_preview->showHit(*h, m_model->terms());
    else
        m_preview->clear();
}

void SearchPage::openCurrent() {
    const QModelIndex i = m_results->currentIndex();
    if (i.isValid() && m_model->isMore(i.row())) {
        const int row = m_model->expand(i.row());
        m_results->setCurrentIndex(m_model->index(row, 0));
        return;
    }
    if (const SearchHit* h = currentHit())
        m_actions->open(*h);
}

void SearchPage::setUrlOpener(std::function<bool(const QUrl&)> opener) {
    m_actions->setUrlOpener(std::move(opener));
}

void SearchPage::setLauncher(
    std::function<bool(const QString& program, const QStringList& arguments)> launcher) {
    m_actions->setLauncher(std::move(launcher));
}

void SearchPage::showInFolderCurrent() {
    if (const SearchHit* h = currentHit())
        m_actions->showInFolder(*h);
}

void SearchPage::copyCurrent() {
    if (const SearchHit* h = currentHit())
        m_actions->copy(*h);
}

void SearchPage::moreLikeCurrent() {
    const SearchHit* current = currentHit();
    if (!current)
        return;
    const SearchHit h = *current;
    m_pendingText.clear();
    m_pending = m_service->moreLikeThis(h.chunkId, kResults);
    m_status->setText(tr("Finding passages like “%1”…").arg(h.title.isEmpty() ? h.path : h.title));
}

} // namespace quiver
