#include "ui/library/library_page.h"

#include "core/db/change_listener.h"
#include "core/db/database_status.h"
#include "core/ingest/background_import.h"
#include "core/ingest/document_trash.h"
#include "core/ingest/library_reader.h"
#include "core/session/database_opener.h"
#include "ui/common/empty_state.h"
#include "ui/library/import_progress_text.h"
#include "ui/library/library_model.h"
#include "ui/library/trash_model.h"

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
#include <QSettings>
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
    QList<TrashedDocument> trash;
    QString error;
    QStringList refusals; // documents the trash kept, and why
};
} // namespace

// What a load does before it reads the library and the trash again.
struct LibraryPage::Change {
    QList<qint64> trash;   // documents to move to the trash
    QList<qint64> restore; // documents to restore from it
    bool emptyTrash = false;

    bool isEmpty() const { return trash.isEmpty() && restore.isEmpty() && !emptyTrash; }
};

namespace {
// A sortable list of rows, several selectable, its title column taking the spare width.
QTreeView* listView(QWidget* parent, const QString& objectName, QAbstractItemModel* model,
                    int titleColumn, int sortColumn, Qt::SortOrder order) {
    auto* view = new QTreeView(parent);
    view->setObjectName(objectName);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, order);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    // Paths keep their start and their file name; the title takes what the figures leave.
    view->setTextElideMode(Qt::ElideMiddle);
    view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->header()->setSectionResizeMode(titleColumn, QHeaderView::Stretch);
    view->header()->setStretchLastSection(false);
    const bool trash = objectName == QLatin1String("trashView");
    view->setAccessibleName(trash ? QObject::tr("Documents in the trash")
                                  : QObject::tr("Documents in the library"));
    view->setAccessibleDescription(
        trash ? QObject::tr("Removed documents, when and why; select some to restore them")
              : QObject::tr("Collections and their documents; select documents to show them "
                            "in their folder or delete them"));
    return view;
}

// Runs on a pool thread with a connection of its own.
LoadResult loadLibrary(const DatabaseTarget& target, const QList<qint64>& trashIds,
                       const QList<qint64>& restoreIds, bool emptyTrash) {
    LoadResult r;
    DatabaseOpener opener;
    QString doing = QObject::tr("The library could not be read");
    try {
        PgConnection conn = opener.open(target);
        LibraryReader reader(conn);
        DocumentTrash trash(conn);
        if (!trashIds.isEmpty()) {
            doing = QObject::tr("The documents could not be moved to the trash");
            reader.trashDocuments(trashIds);
        }
        if (!restoreIds.isEmpty()) {
            doing = QObject::tr("The documents could not be restored");
            for (const auto& [id, reason] : trash.restore(restoreIds).refused)
                r.refusals.append(reason);
        }
        if (emptyTrash) {
            doing = QObject::tr("The trash could not be emptied");
            trash.empty();
        }
        doing = QObject::tr("The library could not be read");
        r.collections = reader.read();
        r.trash = trash.list();
    } catch (const std::exception& e) {
        r.error = QObject::tr("%1: %2").arg(doing, userMessageFor(e));
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
    // Beside the heading, so that the trash can be reached from an empty library too.
    m_trashButton = new QPushButton(tr("Trash"), this);
    m_trashButton->setObjectName(QStringLiteral("trashButton"));
    m_trashButton->setCheckable(true);
    m_trashButton->setToolTip(tr("Documents removed from the library, kept to be restored"));
    auto* headingRow = new QHBoxLayout;
    headingRow->addWidget(heading);
    headingRow->addStretch(1);
    headingRow->addWidget(m_trashButton);

    // Whatever the database work fails with, in the user's words.
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("libraryError"));
    m_error->setTextFormat(Qt::PlainText); // messages name files, titles and collections
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: rgb(176, 0, 32);"));
    m_error->hide();

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
    m_filter->setAccessibleName(tr("Filter documents"));
    m_showInFolder = new QPushButton(tr("Show in Folder"), listPage);
    m_showInFolder->setObjectName(QStringLiteral("showInFolderButton"));
    m_showInFolder->setToolTip(tr("Open the folder that holds the selected document"));
    m_delete = new QPushButton(tr("Delete…"), listPage);
    m_delete->setObjectName(QStringLiteral("deleteDocumentsButton"));
    m_delete->setToolTip(tr("Move the selected documents to the trash"));
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
    m_view = listView(listPage, QStringLiteral("libraryView"), m_proxy, LibraryModel::Title,
                      LibraryModel::Title, Qt::AscendingOrder);
    auto* listLayout = new QVBoxLayout(listPage);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(tools);
    listLayout->addWidget(m_view, 1);

    // The trash: what was removed, when and why, with Restore and Empty.
    auto* trashPage = new QWidget(this);
    m_trashNote = new QLabel(trashPage);
    m_trashNote->setObjectName(QStringLiteral("trashNote"));
    m_trashNote->setTextFormat(Qt::PlainText);
    m_trashNote->setWordWrap(true);
    m_restore = new QPushButton(tr("Restore"), trashPage);
    m_restore->setObjectName(QStringLiteral("restoreDocumentsButton"));
    m_restore->setToolTip(tr("Put the selected documents back, with their embeddings"));
    m_emptyTrash = new QPushButton(tr("Empty Trash…"), trashPage);
    m_emptyTrash->setObjectName(QStringLiteral("emptyTrashButton"));
    auto* trashTools = new QHBoxLayout;
    trashTools->addWidget(m_trashNote, 1);
    trashTools->addWidget(m_restore);
    trashTools->addWidget(m_emptyTrash);
    m_trashModel = new TrashModel(this);
    m_trashProxy = new QSortFilterProxyModel(this);
    m_trashProxy->setSourceModel(m_trashModel);
    m_trashProxy->setSortRole(TrashModel::SortRole);
    m_trashView = listView(trashPage, QStringLiteral("trashView"), m_trashProxy, TrashModel::Title,
                           TrashModel::Removed, Qt::DescendingOrder);
    m_trashView->setRootIsDecorated(false);
    auto* trashLayout = new QVBoxLayout(trashPage);
    trashLayout->setContentsMargins(0, 0, 0, 0);
    trashLayout->addLayout(trashTools);
    trashLayout->addWidget(m_trashView, 1);

    m_body = new QStackedWidget(this);
    m_body->addWidget(m_empty);
    m_body->addWidget(listPage);
    m_body->addWidget(trashPage);

    // Progress and results of the running (or last) import.
    m_importPanel = new QFrame(this);
    m_importPanel->setObjectName(QStringLiteral("importPanel"));
    m_progress = new QProgressBar(m_importPanel);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setRange(0, 1000);
    m_progressLabel = new QLabel(m_importPanel);
    m_progressLabel->setObjectName(QStringLiteral("importProgressLabel"));
    m_progressLabel->setTextFormat(Qt::PlainText);
    m_cancel = new QPushButton(tr("Cancel"), m_importPanel);
    m_cancel->setObjectName(QStringLiteral("cancelImportButton"));
    m_results = new QListWidget(m_importPanel);
    m_results->setObjectName(QStringLiteral("importResults"));
    m_results->setMaximumHeight(140);
    m_results->setAccessibleName(tr("Import results"));
    m_results->setAccessibleDescription(tr("What the import did with each file"));
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
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setInterval(kRefreshMs);
    m_refreshTimer->setSingleShot(true);
    connect(m_refreshTimer, &QTimer::timeout, this, [this]() {
        if (!isVisible()) {
            m_stale = true;
            return;
        }
        reload();
        emit libraryChanged(); // the cards' counts come from the session's status
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(16);
    layout->addLayout(headingRow);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
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
    connect(m_trashButton, &QPushButton::toggled, this, &LibraryPage::showTrash);
    connect(m_trashView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LibraryPage::updateButtons);
    connect(m_restore, &QPushButton::clicked, this, &LibraryPage::restoreSelected);
    connect(m_emptyTrash, &QPushButton::clicked, this, &LibraryPage::emptyTrash);
    updateButtons();
}

LibraryPage::~LibraryPage() {
    // Results not yet listed belong to no list widget.
    qDeleteAll(m_pendingResults);
}

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
        m_progress->hide();
        m_cancel->hide();
    });
    connect(m_cancel, &QPushButton::clicked, import, &BackgroundImport::cancel);
}

void LibraryPage::reload() {
    m_stale = false;
    load({});
}

void LibraryPage::listenForChanges(const QString& conninfo) {
    delete m_listener;
    m_listener = nullptr;
    if (conninfo.isEmpty())
        return;
    m_listener = new ChangeListener(conninfo, {ChangeListener::libraryChannel()}, this);
    connect(m_listener, &ChangeListener::changed, this, &LibraryPage::refreshSoon);
}

void LibraryPage::refreshSoon() {
    if (!m_haveTarget)
        return;
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void LibraryPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_stale)
        reload();
}

void LibraryPage::load(const Change& change) {
    if (!m_haveTarget)
        return;
    const int generation = ++m_loadGeneration;
    auto* watcher = new QFutureWatcher<LoadResult>(this);
    const bool changes = !change.isEmpty();
    connect(watcher, &QFutureWatcher<LoadResult>::finished, this,
            [this, watcher, generation, changes]() {
                watcher->deleteLater();
                const LoadResult r = watcher->result();
                // A failed change is shown whichever load it came from; the lists (and a failed
                // read) only from the newest load.
                if (!r.error.isEmpty() && (changes || generation == m_loadGeneration))
                    showError(r.error);
                else if (!r.refusals.isEmpty())
                    showError(tr("Not restored: %1").arg(r.refusals.join(QStringLiteral("; "))));
                else if (generation == m_loadGeneration)
                    showError({});
                if (generation == m_loadGeneration && r.error.isEmpty()) {
                    m_model->setLibrary(r.collections);
                    m_trashModel->setDocuments(r.trash);
                    showBody();
                    m_view->expandAll();
                }
                updateButtons();
                if (changes)
                    emit libraryChanged();
            });
    watcher->setFuture(
        QtConcurrent::run(loadLibrary, m_target, change.trash, change.restore, change.emptyTrash));
}

void LibraryPage::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void LibraryPage::showBody() {
    const int inTrash = static_cast<int>(m_trashModel->documents().size());
    m_trashButton->setText(inTrash > 0 ? tr("Trash (%1)").arg(inTrash) : tr("Trash"));
    m_trashNote->setText(
        inTrash > 0 ? tr("%n document(s) removed from the library. They are kept with their "
                         "passages and embeddings for %1 days after their removal, then deleted.",
                         nullptr, inTrash)
                          .arg(DocumentTrash::keepDays(QSettings()))
                    : tr("The trash is empty."));
    if (m_showingTrash)
        m_body->setCurrentIndex(2);
    else
        m_body->setCurrentIndex(m_model->documentCount() > 0 ? 1 : 0);
}

void LibraryPage::showTrash(bool show) {
    m_showingTrash = show;
    if (m_trashButton->isChecked() != show)
        m_trashButton->setChecked(show);
    showBody();
    updateButtons();
}

void LibraryPage::onImportStarted() {
    m_importPanel->show();
    qDeleteAll(m_pendingResults);
    m_pendingResults.clear();
    m_results->clear();
    m_progress->setValue(0);
    m_progress->show();
    m_progressLabel->setText(tr("Looking for files…"));
    m_cancel->setEnabled(true);
    m_cancel->show();
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
    // Documents appear in the list while the import runs.
    if (!r.isFailure())
        refreshSoon();
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
    // Nothing runs any more: the summary and the per-file results stay, the bar and Cancel go.
    m_progress->hide();
    m_cancel->hide();
    m_progressLabel->setText(importSummaryText(s));
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
    m_restore->setEnabled(m_trashView->selectionModel()->hasSelection());
    m_emptyTrash->setEnabled(!m_trashModel->documents().isEmpty());
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
    auto* confirm = new QMessageBox(
        QMessageBox::Question, tr("Delete documents"),
        tr("Move %n document(s) to the trash? Their passages and embeddings go with them and "
           "can be restored from the Trash for %1 days; the files stay on disk.",
           nullptr, int(ids.size()))
            .arg(DocumentTrash::keepDays(QSettings())),
        QMessageBox::Cancel, this);
    confirm->setObjectName(QStringLiteral("deleteConfirmation"));
    QPushButton* yes = confirm->addButton(tr("Move to Trash"), QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmDeleteButton"));
    confirm->setDefaultButton(QMessageBox::Cancel);
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirm, &QMessageBox::buttonClicked, this, [this, ids, yes](QAbstractButton* b) {
        if (b == yes)
            load({ids, {}, false});
    });
    confirm->open();
}

void LibraryPage::restoreSelected() {
    QList<qint64> ids;
    for (const QModelIndex& i : m_trashView->selectionModel()->selectedRows())
        ids.append(m_trashProxy->mapToSource(i).data(TrashModel::DocumentIdRole).toLongLong());
    if (!ids.isEmpty())
        load({{}, ids, false});
}

void LibraryPage::emptyTrash() {
    const int count = static_cast<int>(m_trashModel->documents().size());
    if (count == 0)
        return;
    auto* confirm = new QMessageBox(
        QMessageBox::Warning, tr("Empty the trash"),
        tr("Delete the %n document(s) in the trash for good, with their passages and "
           "embeddings? This cannot be undone; the files on disk are not touched.",
           nullptr, count),
        QMessageBox::Cancel, this);
    confirm->setObjectName(QStringLiteral("emptyTrashConfirmation"));
    QPushButton* yes = confirm->addButton(tr("Empty Trash"), QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmEmptyTrashButton"));
    confirm->setDefaultButton(QMessageBox::Cancel);
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirm, &QMessageBox::buttonClicked, this, [this, yes](QAbstractButton* b) {
        if (b == yes)
            load({{}, {}, true});
    });
    confirm->open();
}

} // namespace quiver
