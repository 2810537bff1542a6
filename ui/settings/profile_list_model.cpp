#include "ui/settings/profile_list_model.h"

#include "ui/common/plain_tool_tip.h"

namespace quiver {

void ProfileListModel::setProfiles(const QList<EmbeddingProfile>& profiles,
                                   const QList<bool>& keyStored,
                                   const QStringList& approvedOrigins) {
    beginResetModel();
    m_profiles = profiles;
    m_keyStored = keyStored;
    while (m_keyStored.size() < m_profiles.size())
        m_keyStored << false;
    m_approvedOrigins = approvedOrigins;
    while (m_approvedOrigins.size() < m_profiles.size())
        m_approvedOrigins << QString();
    endResetModel();
}

const EmbeddingProfile* ProfileListModel::profileAt(int row) const {
    return row >= 0 && row < m_profiles.size() ? &m_profiles[row] : nullptr;
}

bool ProfileListModel::keyStoredAt(int row) const {
    return row >= 0 && row < m_keyStored.size() && m_keyStored[row];
}

bool ProfileListModel::needsApprovalAt(int row) const {
    const EmbeddingProfile* p = profileAt(row);
    return p && p->acceptsKey() && keyStoredAt(row) && m_approvedOrigins.value(row) != p->origin();
}

int ProfileListModel::rowOf(const QString& name) const {
    for (int i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles[i].name == name)
            return i;
    }
    return -1;
}

int ProfileListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_profiles.size());
}

int ProfileListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProfileListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EmbeddingProfile& p = m_profiles[index.row()];
    if (role == Qt::ToolTipRole && index.column() == Model && p.isRemote())
        return plainToolTip(p.effectiveBaseUrl());
    if (role == Qt::ToolTipRole && index.column() == Key && keyStoredAt(index.row()))
        return needsApprovalAt(index.row())
                   ? tr("The key is not sent to %1 until you approve that address (approved: "
                        "%2)")
                         .arg(p.origin(), m_approvedOrigins.value(index.row()).isEmpty()
                                              ? tr("none")
                                              : m_approvedOrigins.value(index.row()))
                   : tr("The key is sent only to %1").arg(p.origin());
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name:
        return p.name;
    case Kind:
        return EmbeddingProfile::kindName(p.kind);
    case Model:
        return p.model;
    case Dimensions:
        return p.dimensions > 0 ? QVariant(p.dimensions) : QVariant(tr("model's own"));
    case Key:
        if (!p.acceptsKey())
            return tr("not needed");
        // Never the key itself: only whether the keychain holds one.
        if (needsApprovalAt(index.row()))
            return tr("stored, new address not approved");
        return keyStoredAt(index.row()) ? tr("stored") : tr("none");
    case Default:
        return p.isDefault ? tr("default") : QString();
    default:
        return {};
    }
}

QVariant ProfileListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Kind:
        return tr("Kind");
    case Model:
        return tr("Model");
    case Dimensions:
        return tr("Dimensions");
    case Key:
        return tr("API key");
    case Default:
        return tr("Default");
    default:
        return {};
    }
}

} // namespace quiver
