#include "ui/search/passage_actions.h"

#include "ui/search/pdf_page_opener.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPointer>

namespace quiver {

PassageActions::PassageActions(QObject* parent)
    : QObject(parent)
    , m_openUrl([](const QUrl& url) { return QDesktopServices::openUrl(url); })
    , m_pdfOpener(new PdfPageOpener(this)) {}

void PassageActions::open(const SearchHit& hit) {
    const QString path = hit.path;
    if (hit.page && hit.mime == QLatin1String("application/pdf")) {
        // The viewer's own command line says which page, where it can (pdf_page_opener.h).
        m_pdfOpener->open(path, *hit.page, [self = QPointer<PassageActions>(this), path](bool ok) {
            if (!ok && self)
                emit self->failed(tr("No application could open %1").arg(path));
        });
        return;
    }
    if (!m_openUrl(QUrl::fromLocalFile(path)))
        emit failed(tr("No application could open %1").arg(path));
}

void PassageActions::showInFolder(const SearchHit& hit) {
    const QString folder = QFileInfo(hit.path).absolutePath();
    if (!m_openUrl(QUrl::fromLocalFile(folder)))
        emit failed(tr("No application could show the folder %1").arg(folder));
}

void PassageActions::copy(const SearchHit& hit) {
    QGuiApplication::clipboard()->setText(hit.text);
}

void PassageActions::setUrlOpener(std::function<bool(const QUrl&)> opener) {
    m_openUrl = opener;
    m_pdfOpener->openUrl = std::move(opener);
}

void PassageActions::setLauncher(
    std::function<bool(const QString& program, const QStringList& arguments)> launcher) {
    m_pdfOpener->launch = std::move(launcher);
}

} // namespace quiver
