#pragma once

#include "core/embed/http_embedder.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QThread>

namespace quiver {

// What an HttpEmbedder keeps between embed() calls; shared with HttpEmbedRun.
struct HttpEmbedder::Private {
    EmbeddingProfile profile;
    QString apiKey;
    Options options;
    int dimensions = 0; // learnt from the first answer when the profile sets none
    std::vector<TruncatedInput> truncations;
    QPointer<QNetworkAccessManager> nam;
    QThread* namThread = nullptr;

    QNetworkAccessManager& manager() {
        if (!nam || namThread != QThread::currentThread()) {
            if (nam)
                nam->deleteLater(); // belongs to another thread; let that thread delete it
            nam = new QNetworkAccessManager();
            namThread = QThread::currentThread();
        }
        return *nam;
    }
};

} // namespace quiver
