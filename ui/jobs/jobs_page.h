#pragma once

#include <QWidget>

namespace quiver {

// Background jobs (embedding, re-indexing): an empty state until the job screens arrive.
class JobsPage : public QWidget {
    Q_OBJECT
public:
    explicit JobsPage(QWidget* parent = nullptr);
};

} // namespace quiver
