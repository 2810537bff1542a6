#pragma once

#include <QWidget>

class QLineEdit;

namespace quiver {

// Where searching will happen. The query field stays disabled until search is wired up.
class SearchPage : public QWidget {
    Q_OBJECT
public:
    explicit SearchPage(QWidget* parent = nullptr);

private:
    QLineEdit* m_query = nullptr;
};

} // namespace quiver
