#pragma once

#include "core/search/search_types.h"
#include "core/session/database_target.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTextBrowser;
class QTimer;

namespace quiver {

struct PassageContext;

// The selected result in context: its document's title, the passage with kAround passages
// before and after it (read on a pool thread with a connection of its own; only the newest
// request's answer is shown), the query's words marked, and Open, Copy and Show in Folder,
// which the page carries out.
class SearchPreview : public QWidget {
    Q_OBJECT
public:
    explicit SearchPreview(QWidget* parent = nullptr);
    ~SearchPreview() override;

    static constexpr int kAround = 2;
    static constexpr int kFetchDelayMs = 120;

    void setDatabase(const DatabaseTarget& target);
    // Shows the passage at once, then its neighbours when they arrive.
    void showHit(const SearchHit& hit, const QStringList& terms);
    void clear();
    // The passage shown (chunk id 0 when none).
    const SearchHit& hit() const { return m_hit; }
    // The preview's text, as shown (plain).
    QString text() const;

signals:
    void openRequested();
    void copyRequested();
    void showInFolderRequested();
    void contextShown(); // the neighbours arrived (or could not be read: the reason is shown)

private:
    void fetchContext();
    void onContext(int generation, const PassageContext& context, const QString& error);
    void render(const QList<QPair<QString, bool>>& passages); // text, is the hit

    QLabel* m_title = nullptr;
    QLabel* m_where = nullptr;
    QTextBrowser* m_text = nullptr;
    QLabel* m_note = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_folder = nullptr;
    QTimer* m_fetch = nullptr;
    SearchHit m_hit;
    QStringList m_terms;
    DatabaseTarget m_target;
    bool m_haveTarget = false;
    int m_generation = 0;
};

} // namespace quiver
