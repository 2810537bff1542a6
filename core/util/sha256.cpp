#include "core/util/sha256.h"

#ifdef QUIVER_HAVE_LIBCRYPTO
#include <openssl/evp.h>
#else
#include <QCryptographicHash>
#endif

namespace quiver {

QString sha256Hex(QByteArrayView bytes) {
#ifdef QUIVER_HAVE_LIBCRYPTO
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    // EVP_Digest only fails on allocation failure, which Qt treats as fatal everywhere else.
    if (EVP_Digest(bytes.data(), static_cast<size_t>(bytes.size()), digest, &size, EVP_sha256(),
                   nullptr) != 1)
        qFatal("SHA-256 failed");
    return QString::fromLatin1(
        QByteArray::fromRawData(reinterpret_cast<const char*>(digest), static_cast<qsizetype>(size))
            .toHex());
#else
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
#endif
}

} // namespace quiver
