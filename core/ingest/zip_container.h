#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace quiver {

// Read access to the parts of a zip-based document (DOCX, PPTX, ODT, ODP, EPUB) with a cap on
// the bytes decompressed in total, counted while inflating, so that a zip bomb fails fast
// whatever its headers claim. Throws ReadError.
class ZipContainer {
public:
    ZipContainer(const QByteArray& bytes, qint64 maxDecompressedBytes, const QString& formatName);
    ~ZipContainer();
    ZipContainer(const ZipContainer&) = delete;
    ZipContainer& operator=(const ZipContainer&) = delete;

    QStringList entries() const;
    bool contains(const QString& name) const;
    // The part's bytes; throws ReadError when missing (if required) or over the cap.
    QByteArray read(const QString& name, bool required = true);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver
