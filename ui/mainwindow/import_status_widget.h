#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;

namespace quiver {

class BackgroundImport;

// The import's progress in the status bar: a short text, a bar and a Cancel button while an
// import runs. When it ends, the bar and Cancel go and a one-line summary stays for kFadeMs
// (the whole account in its tooltip and on the Library page); a failure stays until the next
// import, since it needs the user.
class ImportStatusWidget : public QWidget {
    Q_OBJECT
public:
    ImportStatusWidget(BackgroundImport* import, QWidget* parent = nullptr);

    static constexpr int kFadeMs = 8000;

private:
    void showRunning(bool running);

    QProgressBar* m_bar = nullptr;
    QLabel* m_text = nullptr;
    QToolButton* m_cancel = nullptr;
    QTimer* m_fade = nullptr;
};

} // namespace quiver
