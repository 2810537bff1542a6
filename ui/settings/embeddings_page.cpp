#include "ui/settings/embeddings_page.h"

#include "core/embed/approved_origins.h"
#include "core/embed/profile_service.h"
#include "ui/settings/origin_approval_box.h"
#include "ui/settings/profile_editor_dialog.h"
#include "ui/settings/profile_list_model.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace quiver {

EmbeddingsPage::EmbeddingsPage(const DatabaseTarget& target, QWidget* parent)
    : QWidget(parent)
    , m_service(new ProfileService(target, this))
    , m_model(new ProfileListModel(this)) {
    setObjectName(QStringLiteral("embeddingsPage"));
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("profilesView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    m_view->setAccessibleName(tr("Embedding profiles"));
    m_view->setAccessibleDescription(
        tr("The services that turn passages into embeddings; the default one embeds new "
           "passages"));

    const auto button = [this](const char* name, const QString& text) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(QString::fromLatin1(name));
        return b;
    };
    m_add = button("addProfileButton", tr("&Add…"));
    m_edit = button("editProfileButton", tr("&Edit…"));
    m_remove = button("removeProfileButton", tr("&Remove"));
    m_default = button("defaultProfileButton", tr("Make &default"));
    m_test = button("testProfileButton", tr("&Test"));
    m_approve = button("approveOriginButton", tr("A&pprove address…"));
    m_approve->setToolTip(tr("Let the stored API key go to the profile's current address"));
    m_default->setToolTip(tr("Embed new passages with the selected profile"));
    m_test->setToolTip(tr("Embed a sample text with the selected profile to check it works"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("embeddingsStatusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_add, m_edit, m_remove, m_default, m_test, m_approve})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    connect(m_add, &QPushButton::clicked, this, &EmbeddingsPage::addProfile);
    connect(m_edit, &QPushButton::clicked, this, &EmbeddingsPage::editProfile);
    connect(m_view, &QTableView::doubleClicked, this, &EmbeddingsPage::editProfile);
    connect(m_remove, &QPushButton::clicked, this, &EmbeddingsPage::removeProfile);
    connect(m_default, &QPushButton::clicked, this, &EmbeddingsPage::makeDefault);
    connect(m_test, &QPushButton::clicked, this, &EmbeddingsPage::testProfile);
    connect(m_approve, &QPushButton::clicked, this, &EmbeddingsPage::approveOrigin);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &EmbeddingsPage::updateButtons);

    connect(m_service, &ProfileService::profilesLoaded, this,
            [this](const QList<EmbeddingProfile>& profiles, const QList<bool>& keys,
                   const QStringList& origins) {
                const QString keep =
                    m_selectAfterLoad.isEmpty() ? selectedName() : m_selectAfterLoad;
                m_selectAfterLoad.clear();
                m_model->setProfiles(profiles, keys, origins);
                const int row = m_model->rowOf(keep);
                if (row >= 0)
                    m_view->selectRow(row);
                updateButtons();
                emit profilesShown();
            });
    connect(m_service, &ProfileService::keyStored, this, [this](const QString& name) {
        setStatus(tr("The API key of %1 is stored in the keychain.").arg(name));
    });
    connect(m_service, &ProfileService::originApproved, this,
            [this](const QString& name, const QString& origin) {
                setStatus(tr("The API key of %1 may now be sent to %2.").arg(name, origin));
            });
    connect(m_service, &ProfileService::tested, this,
            [this](const QString& name, int dims, qint64 ms) {
                m_test->setEnabled(true);
                setStatus(tr("%1 works: %2 dimensions in %3 ms.").arg(name).arg(dims).arg(ms));
            });
    connect(m_service, &ProfileService::failed, this, [this](const QString& message) {
        updateButtons();
        setStatus(message);
    });
    updateButtons();
    setStatus(tr("Loading the profiles…"));
    m_service->reload();
}

EmbeddingsPage::~EmbeddingsPage() = default;

QString EmbeddingsPage::selectedName() const {
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const EmbeddingProfile* p = m_model->profileAt(rows.first().row());
    return p ? p->name : QString();
}

void EmbeddingsPage::setStatus(const QString& text) {
    m_status->setText(text);
}

void EmbeddingsPage::updateButtons() {
    const bool selected = !selectedName().isEmpty();
    m_edit->setEnabled(selected);
    m_remove->setEnabled(selected);
    m_default->setEnabled(selected);
    m_test->setEnabled(selected);
    m_approve->setEnabled(selected && m_model->needsApprovalAt(m_model->rowOf(selectedName())));
}

void EmbeddingsPage::addProfile() {
    openEditor(-1);
}

void EmbeddingsPage::editProfile() {
    const int row = m_model->rowOf(selectedName());
    if (row >= 0)
        openEditor(row);
}

void EmbeddingsPage::openEditor(int row) {
    const EmbeddingProfile* existing = m_model->profileAt(row);
    const EmbeddingProfile start =
        existing ? *existing
                 : EmbeddingProfile::withDefaults(QString(), EmbeddingProfile::Kind::OpenAi);
    auto* dialog = new ProfileEditorDialog(start, m_model->keyStoredAt(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString typedFrom = existing ? existing->effectiveBaseUrl() : QString();
    connect(dialog, &QDialog::accepted, this, [this, dialog, typedFrom]() {
        const EmbeddingProfile p = dialog->profile();
        m_selectAfterLoad = p.name;
        setStatus(tr("Saving %1…").arg(p.name));
        m_service->save(p);
        // Both run after the save, on the same thread. The address approved is the one in the
        // dialog, which the user saw or typed; never one read back from the database.
        const QString key = dialog->newKey();
        if (!key.isEmpty())
            m_service->storeKey(p.name, key, p.origin());
        else if (p.acceptsKey() && p.effectiveBaseUrl() != typedFrom &&
                 ApprovedOrigins::refusal(p).isEmpty())
            m_service->approveOrigin(p.name, p.origin()); // an address typed here
    });
    dialog->open();
}

void EmbeddingsPage::removeProfile() {
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    setStatus(tr("Removing %1…").arg(name));
    m_service->remove(name);
}

void EmbeddingsPage::makeDefault() {
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    m_selectAfterLoad = name;
    m_service->setDefault(name);
}

void EmbeddingsPage::approveOrigin() {
    const int row = m_model->rowOf(selectedName());
    const EmbeddingProfile* p = m_model->profileAt(row);
    if (!p || !m_model->needsApprovalAt(row))
        return;
    auto* box = new OriginApprovalBox(p->name, p->origin(), this);
    connect(box, &OriginApprovalBox::approved, this,
            [this](const QString& name, const QString& origin) {
                m_selectAfterLoad = name;
                setStatus(tr("Approving %1 for %2…").arg(origin, name));
                m_service->approveOrigin(name, origin);
            });
    box->open();
}

void EmbeddingsPage::testProfile() {
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    m_test->setEnabled(false);
    setStatus(tr("Testing %1…").arg(name));
    m_service->test(name);
}

} // namespace quiver
