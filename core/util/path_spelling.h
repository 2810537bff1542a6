#pragma once

#include <QString>

namespace quiver {

// Paths as the file system spells them. On a case-insensitive file system (the default on
// Windows and macOS) "c:/users/ann/docs" and "C:/Users/Ann/Docs" are one folder; stored under
// both spellings, its files would be imported twice and matched to neither.

// Each component of the absolute, clean `path` as its folder lists it: the listed name when it
// differs from the given one in case only (the given one when both are listed, or none is),
// and an upper-case drive letter. Reads each folder on the way once.
QString onDiskSpelling(const QString& path);

// onDiskSpelling for a path that exists, where file systems are case-insensitive by default;
// the path unchanged elsewhere, and for a path that does not exist (on a case-sensitive volume a
// differently spelled name is another file, never a correction).
QString canonicalCase(const QString& path);

} // namespace quiver
