#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace quiver {

// SHA-256 of bytes, as 64 lowercase hexadecimal digits. An import hashes every file and every
// chunk (twice its text in all); with OpenSSL's libcrypto, which uses the CPU's SHA
// instructions, that is several times faster than QCryptographicHash, whose SHA-256 takes its
// input a byte at a time. Without libcrypto it falls back to QCryptographicHash.
QString sha256Hex(QByteArrayView bytes);

} // namespace quiver
