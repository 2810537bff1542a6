#pragma once

#include <QString>

namespace quiver {

// Marks a file as in use by this process for as long as the object lives, so that another
// process cleaning up a shared folder leaves it alone (a shared flock on POSIX). Where the
// platform has no such lock, removal of an open file fails by itself (Windows).
class FileInUse {
public:
    FileInUse() = default;
    explicit FileInUse(const QString& path);
    ~FileInUse();
    FileInUse(const FileInUse&) = delete;
    FileInUse& operator=(const FileInUse&) = delete;
    FileInUse(FileInUse&& other) noexcept;
    FileInUse& operator=(FileInUse&& other) noexcept;

    bool held() const { return m_fd >= 0; }

    // Removes path unless some process holds it in use; true when it is gone. Never follows a
    // symbolic link.
    static bool removeIfUnused(const QString& path);

private:
    int m_fd = -1;
};

} // namespace quiver
