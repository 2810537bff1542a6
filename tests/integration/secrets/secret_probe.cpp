// Reads the secret named by its argument through SecretStore; prints "ok", "not found" or the
// error, and exits 0 only when the read succeeded.
#include "core/secrets/secret_store.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (app.arguments().size() != 2) {
        std::fprintf(stderr, "usage: secret_probe KEY\n");
        return 2;
    }
    const quiver::SecretResult r = quiver::SecretStore().read(app.arguments().at(1));
    if (r.ok)
        std::printf("ok\n");
    else if (r.notFound)
        std::printf("not found\n");
    else
        std::printf("%s\n", qUtf8Printable(r.error));
    return r.ok ? 0 : 1;
}
