#pragma once

#include <QDialog>

namespace quiver {

// Name, version, a one-line description, the Qt version and the licence.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);
};

} // namespace quiver
