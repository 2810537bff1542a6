#include "ui/library/library_page.h"

#include "core/db/database_status.h"
#include "ui/common/empty_state.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace quiver {

namespace {
const QString kUnknown = QStringLiteral("—");
}

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

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(16);
    layout->addWidget(heading);
    layout->addWidget(m_summary);
    layout->addWidget(m_empty, 1);
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

} // namespace quiver
