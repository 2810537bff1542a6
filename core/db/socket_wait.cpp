#include "core/db/socket_wait.h"

#ifdef _WIN32
#include <winsock2.h>
#else
#include <cerrno>
#include <cstring>
#include <poll.h>
#endif

namespace quiver {

int waitForReadable(int socket, int timeoutMs, int& error) {
    error = 0;
#ifdef _WIN32
    WSAPOLLFD pfd{};
    pfd.fd = static_cast<SOCKET>(socket);
    pfd.events = POLLRDNORM;
    const int rc = ::WSAPoll(&pfd, 1, timeoutMs);
    if (rc == SOCKET_ERROR) {
        error = ::WSAGetLastError();
        return -1;
    }
    return rc > 0 ? 1 : 0;
#else
    pollfd pfd{};
    pfd.fd = socket;
    pfd.events = POLLIN;
    const int rc = ::poll(&pfd, 1, timeoutMs);
    if (rc < 0) {
        if (errno == EINTR)
            return 0; // the caller's loop looks at its deadline again
        error = errno;
        return -1;
    }
    return rc > 0 ? 1 : 0;
#endif
}

const char* socketErrorText(int error) {
#ifdef _WIN32
    return error == WSAENOTSOCK ? "not a socket" : "socket error";
#else
    return std::strerror(error);
#endif
}

} // namespace quiver
