// A stand-in for a Quiver process in the private cluster tests: starts or joins the cluster of
// DATADIR, optionally inserts a row into helper_rows, prints "ready <postmaster pid>", then keeps
// using the cluster until stdin says "quit" or is closed, and releases it.
#include "core/db/cluster_error.h"
#include "core/db/private_cluster.h"

#include <QCoreApplication>
#include <QFile>

#include <libpq-fe.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace {

bool exec(PGconn* conn, const char* sql, const QByteArray& param = {}) {
    const char* values[] = {param.constData()};
    PGresult* r = PQexecParams(conn, sql, param.isNull() ? 0 : 1, nullptr,
                               param.isNull() ? nullptr : values, nullptr, nullptr, 0);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        std::fprintf(stderr, "error: %s\n", PQerrorMessage(conn));
    PQclear(r);
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 2 && !(args.size() == 4 && args.at(2) == QLatin1String("--insert"))) {
        std::fprintf(stderr, "usage: cluster_client DATADIR [--insert TEXT]\n");
        return 2;
    }
    quiver::PrivateCluster cluster(args.at(1));
    QString conninfo;
    try {
        conninfo = cluster.start();
    } catch (const quiver::ClusterError& e) {
        std::fprintf(stderr, "error: %s\n", qUtf8Printable(e.userMessage()));
        return 1;
    }
    if (args.size() == 4) {
        PGconn* conn = PQconnectdb(conninfo.toUtf8().constData());
        const bool ok = PQstatus(conn) == CONNECTION_OK &&
                        exec(conn, "CREATE TABLE IF NOT EXISTS helper_rows (v text)") &&
                        exec(conn, "INSERT INTO helper_rows (v) VALUES ($1)", args.at(3).toUtf8());
        if (!ok)
            std::fprintf(stderr, "error: %s\n", PQerrorMessage(conn));
        PQfinish(conn);
        if (!ok)
            return 1;
    }
    QFile pidFile(cluster.dataDirectory() + QStringLiteral("/postmaster.pid"));
    const QByteArray pid = pidFile.open(QIODevice::ReadOnly) ? pidFile.readLine().trimmed() : "0";
    std::printf("ready %s\n", pid.constData());
    std::fflush(stdout);

    std::string line;
    while (std::getline(std::cin, line) && line != "quit") {
    }
    cluster.release();
    std::printf("released\n");
    std::fflush(stdout);
    return 0;
}
