#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace quiver {

struct DatabaseTarget;
class ProfileListModel;
class ProfileService;

// Settings ▸ Embeddings: the profiles of the database in use, with add / edit / remove / make
// default, a Test button that embeds one sentence and reports dimensions and latency or the
// server's exact error, and Approve address for a profile whose key is stored but whose address
// (changed in the database) this machine has not approved. All work runs on ProfileService's
// thread.
class EmbeddingsPage : public QWidget {
    Q_OBJECT
public:
    explicit EmbeddingsPage(const DatabaseTarget& target, QWidget* parent = nullptr);
    ~EmbeddingsPage() override;

    ProfileListModel* model() const { return m_model; }

signals:
    // The page shows the database's profiles (after the first load and after each change).
    void profilesShown();

private:
    void addProfile();
    void editProfile();
    void openEditor(int row);
    void removeProfile();
    void makeDefault();
    void testProfile();
    void approveOrigin();
    QString selectedName() const;
    void setStatus(const QString& text);
    void updateButtons();

    ProfileService* m_service = nullptr;
    ProfileListModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_edit = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_default = nullptr;
    QPushButton* m_test = nullptr;
    QPushButton* m_approve = nullptr;
    QLabel* m_status = nullptr;
    QString m_selectAfterLoad;
};

} // namespace quiver
