#include "ui/search/search_preview.h"

#include "core/search/passage_context.h"
#include "core/session/database_opener.h"
#include "ui/common/plain_tool_tip.h"
#include "ui/search/search_results_model.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace quiver {

namespace {
struct ContextResult {
    PassageContext context;
    QString error;
};

// Runs on a pool thread with a connection of its own.
ContextResult readContext(const DatabaseTarget& target, qint64 chunkId, int around) {
    ContextResult r;
    DatabaseOpener opener;
    try {
        PgConnection conn = opener.open(target);
        r.context = PassageContextReader(conn).read(chunkId, around);
    } catch (const std::exception& e) {
        r.error = QObject::tr("The passages around this one could not be read: %1")
                      .arg(userMessageFor(e));
    }
    opener.release();
    return r;
}

const QString kFocusAnchor = QStringLiteral("hit");
} // namespace

SearchPreview::SearchPreview(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("searchPreview"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("searchPreviewTitle"));
    m_title->setTextFormat(Qt::PlainText); // titles come from files
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_where = new QLabel(this);
    m_where->setObjectName(QStringLiteral("searchPreviewWhere"));
    m_where->setTextFormat(Qt::PlainText);
    m_where->setForegroundRole(QPalette::PlaceholderText);
    m_where->setWordWrap(true);
    m_text = new QTextBrowser(this);
    m_text->setObjectName(QStringLiteral("searchPreviewText"));
    m_text->setOpenLinks(false);
    m_text->setOpenExternalLinks(false);
    m_text->setAccessibleName(tr("Passage in context"));
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("searchPreviewNote"));
    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_note->hide();
    m_fetch = new QTimer(this);
    m_fetch->setSingleShot(true);
    m_fetch->setInterval(kFetchDelayMs);
    connect(m_fetch, &QTimer::timeout, this, &SearchPreview::fetchContext);

    m_open = new QPushButton(tr("Open"), this);
    m_open->setObjectName(QStringLiteral("searchPreviewOpen"));
    m_open->setToolTip(tr("Open the document (at the passage's page where the viewer can)"));
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setObjectName(QStringLiteral("searchPreviewCopy"));
    m_copy->setToolTip(tr("Copy the passage's text"));
    m_folder = new QPushButton(tr("Show in Folder"), this);
    m_folder->setObjectName(QStringLiteral("searchPreviewShowInFolder"));
    m_folder->setToolTip(tr("Open the folder that holds the document"));
    connect(m_open, &QPushButton::clicked, this, &SearchPreview::openRequested);
    connect(m_copy, &QPushButton::clicked, this, &SearchPreview::copyRequested);
    connect(m_folder, &QPushButton::clicked, this, &SearchPreview::showInFolderRequested);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_copy);
    buttons->addWidget(m_folder);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_where);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_note);
    layout->addLayout(buttons);
    clear();
}

SearchPreview::~SearchPreview() = default;

void SearchPreview::setDatabase(const DatabaseTarget& target) {
    m_target = target;
    m_haveTarget = true;
}

void SearchPreview::clear() {
    ++m_generation;
    m_fetch->stop();
    m_hit = {};
    m_terms.clear();
    m_title->setText(tr("No passage selected"));
    m_where->clear();
    m_where->setToolTip({});
    m_text->clear();
    m_note->hide();
    for (QPushButton* b : {m_open, m_copy, m_folder})
        b->setEnabled(false);
}

QString SearchPreview::text() const {
    return m_text->toPlainText();
}

void SearchPreview::showHit(const SearchHit& hit, const QStringList& terms) {
    ++m_generation;
    m_hit = hit;
    m_terms = terms;
    m_title->setText(hit.title.isEmpty() ? QFileInfo(hit.path).fileName() : hit.title);
    QString where = hit.collection;
    if (hit.page)
        where += tr(" · page %1").arg(*hit.page);
    where += QStringLiteral(" · ") + hit.path;
    m_where->setText(where);
    m_where->setToolTip(plainToolTip(hit.path));
    m_note->hide();
    for (QPushButton* b : {m_open, m_copy, m_folder})
        b->setEnabled(true);
    render({{hit.text, true}});
    if (m_haveTarget)
        m_fetch->start(); // restarted by each selection: arrowing through results reads once
}

void SearchPreview::fetchContext() {
    const int generation = m_generation;
    auto* watcher = new QFutureWatcher<ContextResult>(this);
    connect(watcher, &QFutureWatcher<ContextResult>::finished, this, [this, watcher, generation]() {
        watcher->deleteLater();
        const ContextResult r = watcher->result();
        onContext(generation, r.context, r.error);
    });
    watcher->setFuture(QtConcurrent::run(readContext, m_target, m_hit.chunkId, kAround));
}

void SearchPreview::onContext(int generation, const PassageContext& context, const QString& error) {
    if (generation != m_generation)
        return; // another passage was selected meanwhile
    if (!error.isEmpty()) {
        m_note->setText(error);
        m_note->show();
    } else if (context.focus < 0) {
        m_note->setText(tr("This passage is no longer in the library (it was re-imported or "
                           "deleted); search again to see its current text."));
        m_note->show();
    } else {
        QList<QPair<QString, bool>> passages;
        for (int i = 0; i < context.passages.size(); ++i)
            passages.append({context.passages[i].text, i == context.focus});
        render(passages);
    }
    emit contextShown();
}

void SearchPreview::render(const QList<QPair<QString, bool>>& passages) {
    QString html;
    for (const auto& [text, isHit] : passages) {
        // Everything from the database is escaped (markTerms) before it becomes markup.
        const QString body = SearchResultsModel::markTerms(text, m_terms)
                                 .replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
        if (isHit)
            html += QStringLiteral("<a name=\"%1\"></a><p style=\"background-color:"
                                   "rgba(58,110,165,28);\">%2</p>")
                        .arg(kFocusAnchor, body);
        else
            html += QStringLiteral("<p style=\"color:gray;\">%1</p>").arg(body);
    }
    m_text->setHtml(html);
    m_text->scrollToAnchor(kFocusAnchor);
}

} // namespace quiver
