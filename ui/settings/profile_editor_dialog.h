#pragma once

#include "core/embed/embedding_profile.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace quiver {

// Adds or edits one embedding profile. The key field is write-only: it starts empty, and what
// is typed goes to the keychain when the dialog is accepted; the dialog only says whether a key
// is stored.
class ProfileEditorDialog : public QDialog {
    Q_OBJECT
public:
    ProfileEditorDialog(const EmbeddingProfile& profile, bool keyStored, QWidget* parent = nullptr);

    EmbeddingProfile profile() const;
    QString newKey() const; // empty: keep the stored key

private:
    void kindChanged();
    void validate();

    EmbeddingProfile m_original;
    QLineEdit* m_name = nullptr;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_baseUrl = nullptr;
    QLineEdit* m_model = nullptr;
    QSpinBox* m_dimensions = nullptr;
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_concurrency = nullptr;
    QSpinBox* m_rpm = nullptr;
    QSpinBox* m_tpm = nullptr;
    QLineEdit* m_key = nullptr;
    QLabel* m_keyState = nullptr;
    QLabel* m_problem = nullptr;
    QPushButton* m_ok = nullptr;
};

} // namespace quiver
