#pragma once

namespace quiver {

// Waits until a socket has data to read, the platform's way (poll on POSIX, WSAPoll on
// Windows). Returns 1 when readable, 0 on timeout (or a signal), -1 on error with the reason in
// `error`.
int waitForReadable(int socket, int timeoutMs, int& error);

// The text for an error returned by waitForReadable().
const char* socketErrorText(int error);

} // namespace quiver
