#pragma once

#include "core/search/search_types.h"

#include <QObject>
#include <QUrl>

#include <functional>

namespace quiver {

class PdfPageOpener;

// What the Open, Show in Folder and Copy buttons do with a passage, for every page that shows
// one: a PDF opens at the passage's page where the viewer can be told (pdf_page_opener.h),
// anything else as the desktop opens it. What fails is reported, never thrown.
class PassageActions : public QObject {
    Q_OBJECT
public:
    explicit PassageActions(QObject* parent = nullptr);

    void open(const SearchHit& hit);
    void showInFolder(const SearchHit& hit);
    void copy(const SearchHit& hit);

    // QDesktopServices::openUrl and QProcess::startDetached unless replaced: tests see what
    // would be opened or started instead.
    void setUrlOpener(std::function<bool(const QUrl&)> opener);
    void setLauncher(std::function<bool(const QString& program, const QStringList& arguments)> l);

signals:
    void failed(const QString& message);

private:
    std::function<bool(const QUrl&)> m_openUrl;
    PdfPageOpener* m_pdfOpener = nullptr;
};

} // namespace quiver
