#pragma once

#include <QWidget>

class QLabel;

namespace quiver {

struct DatabaseStatus;
class EmptyState;

// The library: for now a summary of what the database holds and where to drop new files.
class LibraryPage : public QWidget {
    Q_OBJECT
public:
    explicit LibraryPage(QWidget* parent = nullptr);

    void setStatus(const DatabaseStatus& status);
    // Back to "unknown" while no database is open.
    void clearStatus();

private:
    QLabel* addCount(const QString& objectName, const QString& caption, const QString& tip);

    EmptyState* m_empty = nullptr;
    QWidget* m_summary = nullptr;
    QLabel* m_documents = nullptr;
    QLabel* m_chunks = nullptr;
    QLabel* m_embeddings = nullptr;
    QLabel* m_pending = nullptr;
};

} // namespace quiver
