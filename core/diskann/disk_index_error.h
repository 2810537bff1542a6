#pragma once

#include <stdexcept>
#include <string>

namespace quiver::diskann {

// Raised for every problem with an index file: unreadable, truncated, corrupted, of another
// format, or an I/O failure while writing it. The message names the problem for the user.
class DiskIndexError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace quiver::diskann
