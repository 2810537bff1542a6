#include "core/ingest/zip_container.h"

#include "core/ingest/read_error.h"

#include <QBuffer>
#include <QSet>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>

namespace quiver {

namespace {

constexpr int kMaxEntries = 100'000;

ReadError bombError(const QString& format, qint64 cap) {
    return ReadError(QStringLiteral("%1 expands to more than %2 MiB when unpacked (a zip bomb?); "
                                    "raise the limit in Settings if it is genuine")
                         .arg(format)
                         .arg(cap / (1024 * 1024)));
}

} // namespace

struct ZipContainer::Impl {
    QByteArray bytes;
    QBuffer buffer;
    QuaZip zip;
    qint64 cap = 0;
    qint64 used = 0;
    QString format;
    QStringList names;
    QSet<QString> nameSet;
};

ZipContainer::ZipContainer(const QByteArray& bytes, qint64 maxDecompressedBytes,
                           const QString& formatName)
    : d(std::make_unique<Impl>()) {
    d->bytes = bytes;
    d->buffer.setBuffer(&d->bytes);
    d->cap = maxDecompressedBytes;
    d->format = formatName;
    d->zip.setIoDevice(&d->buffer);
    if (!d->zip.open(QuaZip::mdUnzip))
        throw ReadError(QStringLiteral("not a valid %1 file: the zip archive cannot be opened "
                                       "(damaged or not a zip)")
                            .arg(formatName));
    // A document has tens of parts, an EPUB some thousands; a million entries is no document,
    // and listing them would cost memory of its own.
    if (d->zip.getEntriesCount() > kMaxEntries)
        throw ReadError(QStringLiteral("%1 holds more than %2 parts: not a document")
                            .arg(formatName)
                            .arg(kMaxEntries));
    d->names = d->zip.getFileNameList();
    d->nameSet = QSet<QString>(d->names.begin(), d->names.end());
}

ZipContainer::~ZipContainer() {
    d->zip.close();
}

QStringList ZipContainer::entries() const {
    return d->names;
}

bool ZipContainer::contains(const QString& name) const {
    return d->nameSet.contains(name);
}

QByteArray ZipContainer::read(const QString& name, bool required) {
    if (!contains(name) || !d->zip.setCurrentFile(name)) {
        if (required)
            throw ReadError(
                QStringLiteral("not a valid %1 file: the part %2 is missing").arg(d->format, name));
        return {};
    }
    QuaZipFile file(&d->zip);
    if (!file.open(QIODevice::ReadOnly))
        throw ReadError(
            QStringLiteral("not a valid %1 file: the part %2 cannot be read").arg(d->format, name));
    // What the archive claims the part inflates to: a claim over the cap fails now; one under
    // it sizes the buffer (a false claim is caught while inflating).
    QuaZipFileInfo64 info;
    const qint64 claimed = d->zip.getCurrentFileInfo(&info)
                               ? qint64(std::min<quint64>(info.uncompressedSize, 1ULL << 62))
                               : 0;
    if (d->used + claimed > d->cap)
        throw bombError(d->format, d->cap);
    QByteArray out;
    out.reserve(claimed);
    char buf[64 * 1024];
    for (;;) {
        const qint64 got = file.read(buf, sizeof buf);
        if (got < 0)
            throw ReadError(
                QStringLiteral("not a valid %1 file: the part %2 is damaged").arg(d->format, name));
        if (got == 0)
            break;
        d->used += got;
        if (d->used > d->cap)
            throw bombError(d->format, d->cap);
        out.append(buf, got);
    }
    file.close();
    if (file.getZipError() != UNZ_OK)
        throw ReadError(QStringLiteral("not a valid %1 file: the part %2 fails its checksum")
                            .arg(d->format, name));
    return out;
}

} // namespace quiver
