#include "quiver_version.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTextStream(stdout) << "quiver-cli " << QStringLiteral(QUIVER_VERSION_STRING) << Qt::endl;
    return 0;
}
