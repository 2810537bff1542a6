#include "ui/library/library_page.h"

#include "core/db/database_status.h"
#include "core/ingest/background_import.h"
#include "core/ingest/library_reader.h"
#include "core/session/database_opener.h"
#include "ui/common/empty_state.h"
#include "ui/library/import_progress_text.h"
#include "ui/library/library_model.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace quiver {

namespace {
const QString kUnknown = QStringLiteral("—");

struct LoadResult {
    QList<LibraryCollection> collections;
    QString error;
};

// Runs on a pool thread with a connection of its own.
LoadResult loadLibrary(const DatabaseTarget& target, const QList<qint64>& deleteIds) {
    LoadResult r;
    DatabaseOpener opener;
    try {
        PgConnection conn = opener.open(target);
        LibraryReader reader(conn);
        if (!deleteIds.isEmpty())
            reader.deleteDocuments(deleteIds);
        r.collections = reader.read();
    } catch (const std::exception& e) {
        r.error = userMessageFor(e);
    }
    opener.release();
    return r;
}
} // namespace

LibraryPage::LibraryPage(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("libraryPage"));

    auto* heading = new QLabel(tr("Library"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_summary = new QWidget(this);
    m_summary->setObjectName(QStringLiteral("librarySummary"));
    auto* summaryLayout = new QHBoxLayout(m_summary);
    summaryLayout->setContentsMargins(0, 0, 0, 0);
    summaryLayout->setSpacing(12);
    m_documents = addCount(QStringLiteral("documentsCount"), tr("Documents"),
                           tr("Files imported into the library"));
    m_chunks = addCount(QStringLiteral("chunksCount"), tr("Passages"),
                        tr("Pieces of text that search looks at"));
    m_embeddings = addCount(QStringLiteral("embeddingsCount"), tr("Embeddings"),
                            tr("Passages with a computed embedding"));
    m_pending = addCount(QStringLiteral("pendingCount"), tr("Waiting"),
                         tr("Passages still waiting for their embedding"));

    m_empty = new EmptyState(QStringLiteral(":/icons/drop.svg"), tr("Your library is empty"),
                             tr("Drop files or folders here to add them to your library"), this);
    m_empty->setObjectName(QStringLiteral("libraryEmptyState"));

    // The document list with its tools.
    auto* listPage = new QWidget(this);
    m_filter = new QLineEdit(listPage);
    m_filter->setObjectName(QStringLiteral("libraryFilter"));
    m_filter->setPlaceholderText(tr("Filter by title or path"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAcceptDrops(false); // dropped files import, they are not filter text
    m_showInFolder = new QPushButton(tr("Show in Folder"), listPage);
    m_showInFolder->setObjectName(QStringLiteral("showInFolderButton"));
    m_delete = new QPushButton(tr("Delete…"), listPage);
    m_delete->setObjectName(QStringLiteral("deleteDocumentsButton"));
    auto* tools = new QHBoxLayout;
    tools->addWidget(m_filter, 1);
    tools->addWidget(m_showInFolder);
    tools->addWidget(m_delete);

    m_model = new LibraryModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(LibraryModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterKeyColumn(LibraryModel::Title);
    m_view = new QTreeView(listPage);
    m_view->setObjectName(QStringLiteral("libraryView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(LibraryModel::Title, Qt::AscendingOrder);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setSectionResizeMode(LibraryModel::Title, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    auto* listLayout = new QVBoxLayout(listPage);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(tools);
    listLayout->addWidget(m_view, 1);

    m_body = new QStackedWidget(this);
    m_body->addWidget(m_empty);
    m_body->addWidget(listPage);

    // Progress and results of the running (or last) import.
    m_importPanel = new QFrame(this);
    m_importPanel->setObjectName(QStringLiteral("importPanel"));
    m_progress = new QProgressBar(m_importPanel);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setRange(0, 1000);
    m_progressLabel = new QLabel(m_importPanel);
    m_progressLabel->setObjectName(QStringLiteral("importProgressLabel"));
    m_cancel = new QPushButton(tr("Cancel"), m_importPanel);
    m_cancel->setObjectName(QStringLiteral("cancelImportButton"));
    m_results = new QListWidget(m_importPanel);
    m_results->setObjectName(QStringLiteral("importResults"));
    m_results->setMaximumHeight(140);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    auto* panelLayout = new QVBoxLayout(m_importPanel);
    panelLayout->setContentsMargins(0, 0, 0, 0);
    panelLayout->addLayout(progressRow);
    panelLayout->addWidget(m_progressLabel);
    panelLayout->addWidget(m_results);
    m_importPanel->hide();
    // Thousands of small files finish within seconds: list their results in batches, so the
    // page stays responsive (and Cancel clickable) however fast they come.
    m_resultsTimer = new QTimer(this);
    m_resultsTimer->setInterval(200);
    m_resultsTimer->setSingleShot(true);
    connect(m_resultsTimer, &QTimer::timeout, this, &LibraryPage::flushResults);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(16);
    layout->addWidget(heading);
    layout->addWidget(m_summary);
    layout->addWidget(m_body, 1);
    layout->addWidget(m_importPanel);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_view->expandAll();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LibraryPage::updateButtons);
    connect(m_showInFolder, &QPushButton::clicked, this, &LibraryPage::showSelectedInFolder);
    connect(m_delete, &QPushButton::clicked, this, &LibraryPage::deleteSelected);
    connect(m_view, &QTreeView::doubleClicked, this, &LibraryPage::showSelectedInFolder);
    updateButtons();
}

LibraryPage::~LibraryPage() = default;

QLabel* LibraryPage::addCount(const QString& objectName, const QString& caption,
                              const QString& tip) {
    auto* card = new QFrame(m_summary);
    card->setFrameShape(QFrame::StyledPanel);
    card->setToolTip(tip);
    auto* value = new QLabel(kUnknown, card);
    value->setObjectName(objectName);
    QFont valueFont = value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.5);
    valueFont.setBold(true);
    value->setFont(valueFont);
    auto* label = new QLabel(caption, card);
    label->setForegroundRole(QPalette::PlaceholderText);
    auto* cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(14, 10, 14, 10);
    cardLayout->setSpacing(2);
    cardLayout->addWidget(value);
    cardLayout->addWidget(label);
    m_summary->layout()->addWidget(card);
    return value;
}

void LibraryPage::setStatus(const DatabaseStatus& status) {
    const QLocale locale;
    m_documents->setText(locale.toString(status.documents));
    m_chunks->setText(locale.toString(status.chunks));
    m_embeddings->setText(locale.toString(status.embeddings));
    m_pending->setText(locale.toString(status.pendingChunks));
    m_empty->setTitle(status.documents == 0
                          ? tr("Your library is empty")
                          : tr("%n document(s) in your library", nullptr,
                               static_cast<int>(qMin<qint64>(status.documents, INT_MAX))));
}

void LibraryPage::clearStatus() {
    for (QLabel* l : {m_documents, m_chunks, m_embeddings, m_pending})
        l->setText(kUnknown);
    m_empty->setTitle(tr("Your library is empty"));
}

void LibraryPage::setDatabase(const DatabaseTarget& target) {
    m_target = target;
    m_haveTarget = true;
    reload();
}

void LibraryPage::setImport(BackgroundImport* import) {
    m_import = import;
    connect(import, &BackgroundImport::started, this, &LibraryPage::onImportStarted);
    connect(import, &BackgroundImport::progress, this, &LibraryPage::onImportProgress);
    connect(import, &BackgroundImport::fileDone, this, &LibraryPage::onImportFile);
    connect(import, &BackgroundImport::finished, this, &LibraryPage::onImportFinished);
    connect(import, &BackgroundImport::failed, this, [this](const QString& message) {
        m_progressLabel->setText(tr("The import could not start: %1").arg(message));
        m_cancel->setEnabled(false);
    });
    connect(m_cancel, &QPushButton::clicked, import, &BackgroundImport::cancel);
}

void LibraryPage::reload() {
    if (!m_haveTarget)
        return;
    const int generation = ++m_loadGeneration;
    auto* watcher = new QFutureWatcher<LoadResult>(this);
    connect(watcher, &QFutureWatcher<LoadResult>::finished, this, [this, watcher, generation]() {
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return; // a newer load is on its way
        const LoadResult r = watcher->result();
        if (!r.error.isEmpty())
            return;
        m_model->setLibrary(r.collections);
        m_body->setCurrentIndex(m_model->documentCount() > 0 ? 1 : 0);
        m_view->expandAll();
        updateButtons();
    });
    watcher->setFuture(QtConcurrent::run(loadLibrary, m_target, QList<qint64>()));
}

void LibraryPage::onImportStarted() {
    m_importPanel->show();
    qDeleteAll(m_pendingResults);
    m_pendingResults.clear();
    m_results->clear();
    m_progress->setValue(0);
    m_progressLabel->setText(tr("Looking for files…"));
    m_cancel->setEnabled(true);
}

void LibraryPage::onImportProgress(const ImportProgress& p) {
    m_progress->setValue(importProgressPermille(p));
    m_progressLabel->setText(importProgressText(p));
}

void LibraryPage::onImportFile(const ImportFileResult& r) {
    auto* item = new QListWidgetItem(r.describe());
    if (r.isFailure())
        item->setForeground(QColor(176, 0, 32));
    m_pendingResults.append(item);
    if (!m_resultsTimer->isActive())
        m_resultsTimer->start();
}

void LibraryPage::flushResults() {
    if (m_pendingResults.isEmpty())
        return;
    m_results->setUpdatesEnabled(false);
    for (QListWidgetItem* item : std::as_const(m_pendingResults))
        m_results->addItem(item);
    m_pendingResults.clear();
    m_results->setUpdatesEnabled(true);
    m_results->scrollToBottom();
}

void LibraryPage::onImportFinished(const ImportSummary& s) {
    m_resultsTimer->stop();
    flushResults();
    m_progress->setValue(m_progress->maximum());
    m_progressLabel->setText(importSummaryText(s));
    m_cancel->setEnabled(false);
    reload();
    emit libraryChanged();
}

QList<QModelIndex> LibraryPage::selectedSourceRows() const {
    QList<QModelIndex> out;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows())
        out.append(m_proxy->mapToSource(i));
    return out;
}

void LibraryPage::updateButtons() {
    bool anyDocument = false;
    for (const QModelIndex& i : selectedSourceRows())
        anyDocument = anyDocument || i.data(LibraryModel::DocumentIdRole).toLongLong() > 0;
    m_showInFolder->setEnabled(anyDocument);
    m_delete->setEnabled(anyDocument);
}

void LibraryPage::showSelectedInFolder() {
    for (const QModelIndex& i : selectedSourceRows()) {
        const QString path = i.data(LibraryModel::PathRole).toString();
        if (!path.isEmpty()) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
            return;
        }
    }
}

void LibraryPage::deleteSelected() {
    QList<qint64> ids;
    for (const QModelIndex& i : selectedSourceRows()) {
        const qint64 id = i.data(LibraryModel::DocumentIdRole).toLongLong();
        if (id > 0)
            ids.append(id);
    }
    if (ids.isEmpty() || !m_haveTarget)
        return;
    auto* confirm = new QMessageBox(QMessageBox::Warning, tr("Delete documents"),
                                    tr("Delete %n document(s) from the library? Their passages and "
                                       "embeddings are removed too; the files stay on disk.",
                                       nullptr, int(ids.size())),
                                    QMessageBox::Cancel, this);
    confirm->setObjectName(QStringLiteral("deleteConfirmation"));
    QPushButton* yes = confirm->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmDeleteButton"));
    confirm->setDefaultButton(QMessageBox::Cancel);
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirm, &QMessageBox::buttonClicked, this, [this, ids, yes](QAbstractButton* b) {
        if (b != yes)
            return;
        const int generation = ++m_loadGeneration;
        auto* watcher = new QFutureWatcher<LoadResult>(this);
        connect(watcher, &QFutureWatcher<LoadResult>::finished, this,
                [this, watcher, generation]() {
                    watcher->deleteLater();
                    const LoadResult r = watcher->result();
                    if (generation == m_loadGeneration && r.error.isEmpty()) {
                        m_model->setLibrary(r.collections);
                        m_body->setCurrentIndex(m_model->documentCount() > 0 ? 1 : 0);
                        m_view->expandAll();
                    }
                    updateButtons();
                    emit libraryChanged();
                });
        watcher->setFuture(QtConcurrent::run(loadLibrary, m_target, ids));
    });
    confirm->open();
}

} // namespace quiver
