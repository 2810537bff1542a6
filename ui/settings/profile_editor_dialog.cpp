#include "ui/settings/profile_editor_dialog.h"

#include "core/embed/approved_origins.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace quiver {

namespace {
QSpinBox* spin(QWidget* parent, const char* name, int min, int max, int value,
               const QString& zeroText = {}) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(QString::fromLatin1(name));
    s->setRange(min, max);
    s->setValue(value);
    if (!zeroText.isEmpty())
        s->setSpecialValueText(zeroText);
    return s;
}
} // namespace

ProfileEditorDialog::ProfileEditorDialog(const EmbeddingProfile& profile, bool keyStored,
                                         QWidget* parent)
    : QDialog(parent)
    , m_original(profile) {
    setObjectName(QStringLiteral("profileEditorDialog"));
    setWindowTitle(profile.id == 0 ? tr("Add embedding profile") : tr("Edit embedding profile"));

    m_name = new QLineEdit(profile.name, this);
    m_name->setObjectName(QStringLiteral("profileNameEdit"));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("profileKindCombo"));
    for (const QString& k : EmbeddingProfile::kindNames())
        m_kind->addItem(k, k);
    m_kind->setCurrentIndex(m_kind->findData(EmbeddingProfile::kindName(profile.kind)));
    m_baseUrl = new QLineEdit(profile.baseUrl, this);
    m_baseUrl->setObjectName(QStringLiteral("profileBaseUrlEdit"));
    m_baseUrl->setPlaceholderText(QStringLiteral("http://localhost:8000"));
    m_model = new QLineEdit(profile.model, this);
    m_model->setObjectName(QStringLiteral("profileModelEdit"));
    m_dimensions =
        spin(this, "profileDimensionsSpin", 0, 65536, profile.dimensions, tr("model's own"));
    m_batch = spin(this, "profileBatchSpin", 1, 2048, profile.batchSize);
    m_concurrency = spin(this, "profileConcurrencySpin", 1, 64, profile.concurrency);
    m_rpm = spin(this, "profileRpmSpin", 0, 100000000, profile.requestsPerMinute, tr("no limit"));
    m_tpm = spin(this, "profileTpmSpin", 0, 2000000000, profile.tokensPerMinute, tr("no limit"));
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("profileKeyEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(keyStored ? tr("stored — type a new key to replace it")
                                        : tr("paste the API key"));
    m_keyState = new QLabel(keyStored ? tr("stored") : tr("none"), this);
    m_keyState->setObjectName(QStringLiteral("profileKeyStateLabel"));
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("profileProblemLabel"));
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);

    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Kind:"), m_kind);
    form->addRow(tr("&Base URL:"), m_baseUrl);
    form->addRow(tr("&Model:"), m_model);
    form->addRow(tr("&Dimensions:"), m_dimensions);
    form->addRow(tr("B&atch size:"), m_batch);
    form->addRow(tr("&Requests in flight:"), m_concurrency);
    form->addRow(tr("Requests/minute:"), m_rpm);
    form->addRow(tr("Tokens/minute:"), m_tpm);
    form->addRow(tr("API &key:"), m_key);
    form->addRow(tr("Keychain:"), m_keyState);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("profileOkButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProfileEditorDialog::kindChanged);
    for (QLineEdit* e : {m_name, m_baseUrl, m_model, m_key})
        connect(e, &QLineEdit::textChanged, this, &ProfileEditorDialog::validate);
    for (QSpinBox* s : {m_dimensions, m_batch, m_concurrency, m_rpm, m_tpm})
        connect(s, &QSpinBox::valueChanged, this, &ProfileEditorDialog::validate);
    kindChanged();
}

void ProfileEditorDialog::kindChanged() {
    const EmbeddingProfile p = profile();
    m_baseUrl->setEnabled(p.isRemote());
    m_key->setEnabled(p.acceptsKey());
    if (m_model->text().isEmpty())
        m_model->setText(EmbeddingProfile::withDefaults(p.name, p.kind).model);
    validate();
}

void ProfileEditorDialog::validate() {
    const EmbeddingProfile p = profile();
    QString problem = p.validate();
    // A key typed here would be refused on its way out: say so now.
    if (problem.isEmpty() && !newKey().isEmpty())
        problem = ApprovedOrigins::refusal(p);
    m_problem->setText(problem);
    m_ok->setEnabled(problem.isEmpty());
}

EmbeddingProfile ProfileEditorDialog::profile() const {
    EmbeddingProfile p = m_original;
    p.name = m_name->text().trimmed();
    p.kind = EmbeddingProfile::kindFromName(m_kind->currentData().toString())
                 .value_or(EmbeddingProfile::Kind::Lexical);
    p.baseUrl = p.isRemote() ? m_baseUrl->text().trimmed() : QString();
    p.model = m_model->text().trimmed();
    p.dimensions = m_dimensions->value();
    p.batchSize = m_batch->value();
    p.concurrency = m_concurrency->value();
    p.requestsPerMinute = m_rpm->value();
    p.tokensPerMinute = m_tpm->value();
    return p;
}

QString ProfileEditorDialog::newKey() const {
    return m_key->isEnabled() ? m_key->text().trimmed() : QString();
}

} // namespace quiver
