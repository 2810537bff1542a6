#pragma once

#include <QString>

#include <optional>

namespace quiver {

// Who this process runs as, the platform's way; the private cluster's only OS-specific facts
// besides its lock files and postmaster.pid.
QString osUserName();
// The effective user id on POSIX systems; nullopt where the notion does not exist (Windows).
std::optional<unsigned> effectiveUserId();
// A short per-user tag for shared temporary paths: the uid on POSIX, else the user name.
QString osUserTag();
// strerror() as a QString.
QString systemErrorText(int error);

// Creates `path` (0700) or checks an existing one: it must be a directory owned by this user,
// and is made private. Returns an empty string on success, else the reason.
QString ensurePrivateDirectory(const QString& path);

} // namespace quiver
