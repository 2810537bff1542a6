#include "ui/map/map_page.h"

#include "core/map/map_service.h"
#include "core/search/query_terms.h"
#include "core/search/text_analyzer.h"
#include "ui/common/empty_state.h"
#include "ui/map/map_view.h"
#include "ui/search/passage_actions.h"
#include "ui/search/search_preview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace quiver {

namespace {
const QString kSplitterKey = QStringLiteral("map/splitter");
const QString kColouringKey = QStringLiteral("map/colouring");
} // namespace

MapPage::MapPage(QWidget* parent)
    : QWidget(parent)
    , m_service(new MapService(this))
    , m_actions(new PassageActions(this)) {
    setObjectName(QStringLiteral("mapPage"));

    auto* heading = new QLabel(tr("Map"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_colouring = new QComboBox(this);
    m_colouring->setObjectName(QStringLiteral("mapColouringCombo"));
    m_colouring->addItem(tr("Colour by group"));
    m_colouring->addItem(tr("Colour by collection"));
    m_colouring->addItem(tr("Colour by document"));
    m_colouring->setAccessibleName(tr("Colour the passages by"));
    m_colouring->setAccessibleDescription(
        tr("Group: passages that lie together share a colour. Collection or document: each has "
           "its own colour"));

    m_redraw = new QPushButton(tr("&Redraw"), this);
    m_redraw->setObjectName(QStringLiteral("mapRedrawButton"));
    m_redraw->setShortcut(QKeySequence::Refresh);
    m_redraw->setAccessibleName(tr("Redraw the map"));
    m_redraw->setAccessibleDescription(tr("Reads the passages again and lays them out anew (F5)"));
    m_redraw->setToolTip(tr("Draw the map again from the library as it is now (F5)"));

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("mapProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    m_progress->setMaximumWidth(260);
    m_progress->setAccessibleName(tr("Drawing the map"));
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("mapCancelButton"));
    m_cancel->setAccessibleName(tr("Stop drawing the map"));
    m_cancel->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(heading);
    top->addStretch(1);
    top->addWidget(m_progress);
    top->addWidget(m_cancel);
    top->addWidget(m_colouring);
    top->addWidget(m_redraw);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("mapSummaryLabel"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setWordWrap(true);
    m_litLabel = new QLabel(this);
    m_litLabel->setObjectName(QStringLiteral("mapResultsLabel"));
    m_litLabel->setTextFormat(Qt::PlainText); // the query is the user's text
    m_litLabel->setWordWrap(true);
    m_litLabel->hide();

    m_view = new MapView(this);
    m_preview = new SearchPreview(this);
    m_preview->setObjectName(QStringLiteral("mapPreview"));
    m_empty = new EmptyState(QStringLiteral(":/icons/map.svg"), tr("No map yet"),
                             tr("Connect to a database to see its passages laid out."), this);
    m_empty->setObjectName(QStringLiteral("mapEmptyState"));

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mapSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_preview);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->restoreState(QSettings().value(kSplitterKey).toByteArray());
    connect(m_splitter, &QSplitter::splitterMoved, this,
            [this] { QSettings().setValue(kSplitterKey, m_splitter->saveState()); });

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_splitter);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 12);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(m_litLabel);
    layout->addWidget(m_stack, 1);

    const int colouring = QSettings().value(kColouringKey, 0).toInt();
    m_colouring->setCurrentIndex(colouring >= 0 && colouring < m_colouring->count() ? colouring
                                                                                    : 0);
    m_view->setColouring(static_cast<MapView::Colouring>(m_colouring->currentIndex()));
    connect(m_colouring, &QComboBox::currentIndexChanged, this, [this](int i) {
        QSettings().setValue(kColouringKey, i);
        m_view->setColouring(static_cast<MapView::Colouring>(i));
    });
    connect(m_redraw, &QPushButton::clicked, this, &MapPage::redraw);
    connect(m_cancel, &QPushButton::clicked, m_service, &MapService::cancel);
    connect(m_service, &MapService::progress, this, [this](double fraction, const QString& step) {
        m_progress->setValue(static_cast<int>(fraction * 1000));
        m_progress->setFormat(step);
    });
    connect(m_service, &MapService::ready, this, &MapPage::onReady);
    connect(m_service, &MapService::failed, this, &MapPage::onFailed);
    connect(m_service, &MapService::cancelled, this, [this] {
        m_progress->hide();
        m_cancel->hide();
        m_redraw->setEnabled(true);
        m_summary->setText(tr("Drawing the map was cancelled. Redraw (F5) starts again."));
        m_stale = true;
    });
    connect(m_view, &MapView::passageActivated, this, &MapPage::showPassage);
    connect(m_preview, &SearchPreview::openRequested, this,
            [this] { m_actions->open(m_preview->hit()); });
    connect(m_preview, &SearchPreview::copyRequested, this,
            [this] { m_actions->copy(m_preview->hit()); });
    connect(m_preview, &SearchPreview::showInFolderRequested, this,
            [this] { m_actions->showInFolder(m_preview->hit()); });
    connect(m_actions, &PassageActions::failed, m_summary, &QLabel::setText);
    setTabOrder(m_colouring, m_redraw);
    setTabOrder(m_redraw, m_view);
}

MapPage::~MapPage() = default;

void MapPage::setDatabase(const DatabaseTarget& target) {
    m_target = target;
    m_haveTarget = true;
    m_stale = true;
    m_preview->setDatabase(target);
    if (isVisible())
        redraw();
}

void MapPage::setUrlOpener(std::function<bool(const QUrl&)> opener) {
    m_actions->setUrlOpener(std::move(opener));
}

void MapPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_stale && m_haveTarget && !m_service->running())
        redraw();
}

void MapPage::redraw() {
    if (!m_haveTarget)
        return;
    m_stale = false;
    m_redraw->setEnabled(false);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Starting…"));
    m_progress->show();
    m_cancel->show();
    m_summary->setText(tr("Drawing the map…"));
    m_service->compute(m_target);
}

void MapPage::noteLibraryChanged() {
    if (!m_view->map() || m_view->map()->passages.empty()) {
        // Nothing was mapped yet: the first embeddings make the first map.
        m_stale = true;
        if (isVisible() && !m_service->running())
            redraw();
        return;
    }
    if (m_libraryChanged)
        return;
    m_libraryChanged = true;
    if (!m_service->running())
        updateSummary();
}

void MapPage::onReady(std::shared_ptr<const CollectionMap> map) {
    m_progress->hide();
    m_cancel->hide();
    m_redraw->setEnabled(true);
    m_view->setMap(map);
    m_libraryChanged = false;
    m_preview->clear();
    if (map->passages.empty()) {
        m_empty->setTitle(tr("Nothing to map yet"));
        m_empty->setHint(tr("The map shows passages once they are embedded. Import documents "
                            "(drop them on the window) and wait for the embeddings."));
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_splitter);
    }
    updateSummary();
    updateLit();
    emit mapShown();
}

void MapPage::onFailed(const QString& message) {
    m_progress->hide();
    m_cancel->hide();
    m_redraw->setEnabled(true);
    m_stale = true;
    m_summary->setText(message);
    if (!m_view->map() || m_view->map()->passages.empty()) {
        m_empty->setTitle(tr("The map could not be drawn"));
        m_empty->setHint(message);
        m_stack->setCurrentWidget(m_empty);
    }
}

void MapPage::updateSummary() {
    const CollectionMap* map = m_view->map();
    if (!map || map->passages.empty()) {
        m_summary->clear();
        return;
    }
    const QLocale locale;
    const auto shown = static_cast<qint64>(map->passages.size());
    QString text =
        shown < map->totalPassages
            ? tr("A sample of %1 of the %2 passages embedded by %3, in %n group(s).", nullptr,
                 static_cast<int>(map->clusters.size()))
                  .arg(locale.toString(shown), locale.toString(map->totalPassages), map->model)
            : tr("%1 passages embedded by %2, in %n group(s).", nullptr,
                 static_cast<int>(map->clusters.size()))
                  .arg(locale.toString(shown), map->model);
    text += QLatin1Char(' ');
    text += m_libraryChanged
                ? tr("The library has changed since: Redraw (F5) shows it as it is now.")
                : tr("Hover over a dot to read it, click to see it in context.");
    m_summary->setText(text);
}

void MapPage::setResults(const QString& query, const QList<qint64>& chunkIds) {
    m_query = query;
    m_results = QSet<qint64>(chunkIds.begin(), chunkIds.end());
    m_resultCount = static_cast<int>(chunkIds.size());
    m_view->setHighlighted(m_results);
    updateLit();
}

void MapPage::updateLit() {
    if (m_query.isEmpty() || !m_view->map() || m_view->map()->passages.empty()) {
        m_litLabel->hide();
        return;
    }
    m_litLabel->setText(
        tr("%1 of the %n result(s) for “%2” are on the map, lit.", nullptr, m_resultCount)
            .arg(m_view->highlightedCount())
            .arg(m_query));
    m_litLabel->show();
}

SearchHit MapPage::hitAt(int index) const {
    SearchHit hit;
    const CollectionMap* map = m_view->map();
    if (!map || index < 0 || index >= static_cast<int>(map->passages.size()))
        return hit;
    const MapPassage& p = map->passages[static_cast<std::size_t>(index)];
    hit.chunkId = p.chunkId;
    hit.documentId = p.documentId;
    hit.ordinal = p.ordinal;
    hit.page = p.page;
    hit.path = p.path;
    hit.title = p.title;
    hit.mime = p.mime;
    hit.collection = p.collection;
    hit.text = p.text;
    return hit;
}

void MapPage::showPassage(int index) {
    const SearchHit hit = hitAt(index);
    if (hit.chunkId == 0)
        return;
    TextAnalyzer analyzer;
    m_preview->showHit(hit, m_query.isEmpty() ? QStringList()
                                              : highlightTerms(m_query, analyzer).values());
}

} // namespace quiver
