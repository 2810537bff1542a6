#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace quiver {

class BackgroundImport;

// The import's progress in the status bar: a bar, a short text and a cancel button, shown while
// an import runs and for a while after it ends.
class ImportStatusWidget : public QWidget {
    Q_OBJECT
public:
    ImportStatusWidget(BackgroundImport* import, QWidget* parent = nullptr);

private:
    QProgressBar* m_bar = nullptr;
    QLabel* m_text = nullptr;
    QToolButton* m_cancel = nullptr;
};

} // namespace quiver
