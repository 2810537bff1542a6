#include "core/search/index_labels.h"

#include <QCryptographicHash>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace quiver {

namespace {

constexpr std::uint32_t kTypeBase = 1u << 30;
constexpr std::uint32_t kDayBase = 1u << 31;
constexpr std::uint32_t kTypeMask = kTypeBase - 1;
// Days before this one (2000-01-01) share its label: Quiver never imported anything earlier
// unless a clock was wrong, and an open-ended date filter starts here instead of at 1970.
constexpr qint64 kFirstDay = 10957;
// An open-ended "imported after" reaches this far past today (clocks of other machines).
constexpr qint64 kDaysAhead = 7;

std::uint32_t collectionLabel(qint64 collectionId) {
    if (collectionId < 0 || collectionId >= qint64{kTypeBase})
        throw std::runtime_error("collection id out of the index's label range");
    return static_cast<std::uint32_t>(collectionId);
}

std::uint32_t typeLabel(qint64 typeHash) {
    return kTypeBase | (static_cast<std::uint32_t>(typeHash) & kTypeMask);
}

std::uint32_t dayLabel(qint64 day) {
    const qint64 clamped = std::clamp<qint64>(
        day, kFirstDay, kFirstDay + qint64{std::numeric_limits<std::int32_t>::max()});
    return kDayBase + static_cast<std::uint32_t>(clamped - kFirstDay);
}

} // namespace

qint64 importDayOf(const QDateTime& when) {
    const qint64 seconds = when.toSecsSinceEpoch();
    return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

std::uint32_t typeHashOf(const QString& mime) {
    const QByteArray digest = QCryptographicHash::hash(mime.toUtf8(), QCryptographicHash::Md5);
    return (std::uint32_t(std::uint8_t(digest[0])) << 24) |
           (std::uint32_t(std::uint8_t(digest[1])) << 16) |
           (std::uint32_t(std::uint8_t(digest[2])) << 8) | std::uint32_t(std::uint8_t(digest[3]));
}

std::vector<std::uint32_t> passageLabels(const PassageKeys& keys) {
    return {collectionLabel(keys.collectionId), typeLabel(keys.typeHash), dayLabel(keys.importDay)};
}

diskann::LabelFilter labelFilterFor(const SearchFilters& filters) {
    diskann::LabelFilter filter;
    if (!filters.collectionIds.isEmpty()) {
        std::vector<std::uint32_t> labels;
        for (const qint64 id : filters.collectionIds)
            if (id >= 0 && id < qint64{kTypeBase})
                labels.push_back(collectionLabel(id));
        filter.anyOf(std::move(labels));
    }
    if (!filters.mimeTypes.isEmpty()) {
        std::vector<std::uint32_t> labels;
        for (const QString& mime : filters.mimeTypes)
            labels.push_back(typeLabel(typeHashOf(mime)));
        filter.anyOf(std::move(labels));
    }
    if (filters.importedAfter.isValid() || filters.importedBefore.isValid()) {
        const qint64 first =
            filters.importedAfter.isValid() ? importDayOf(filters.importedAfter) : kFirstDay;
        // Before is exclusive: the last day is that of the moment just before it.
        const qint64 last = filters.importedBefore.isValid()
                                ? importDayOf(filters.importedBefore.addMSecs(-1))
                                : importDayOf(QDateTime::currentDateTimeUtc()) + kDaysAhead;
        std::vector<std::uint32_t> labels;
        for (qint64 day = std::max(first, kFirstDay); day <= last; ++day)
            labels.push_back(dayLabel(day));
        if (first <= last && last < kFirstDay)
            labels.push_back(dayLabel(kFirstDay)); // the days before kFirstDay share its label
        filter.anyOf(std::move(labels));
    }
    return filter;
}

} // namespace quiver
