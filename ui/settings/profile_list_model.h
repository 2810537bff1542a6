#pragma once

#include "core/embed/embedding_profile.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace quiver {

// The embedding profiles as a table: name, kind, model, dimensions, key, default.
class ProfileListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Kind, Model, Dimensions, Key, Default, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    // approvedOrigins[i]: the origin this machine approved for profiles[i]'s key (empty: none).
    void setProfiles(const QList<EmbeddingProfile>& profiles, const QList<bool>& keyStored,
                     const QStringList& approvedOrigins = {});
    const EmbeddingProfile* profileAt(int row) const;
    bool keyStoredAt(int row) const;
    // A key is stored, but the profile's address is not the one approved for it.
    bool needsApprovalAt(int row) const;
    int rowOf(const QString& name) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<EmbeddingProfile> m_profiles;
    QList<bool> m_keyStored;
    QStringList m_approvedOrigins;
};

} // namespace quiver
