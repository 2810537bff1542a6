#include "ui/search/pdf_page_opener.h"

#include <QDesktopServices>
#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace quiver {

namespace {

constexpr int kLookupTimeoutMs = 5000;

// Desktop entries of PDF viewers, by the start of their id (packages name them differently:
// okularApplication_pdf, org.kde.okular, org.pwmt.zathura-pdf-mupdf, ...).
enum class Style { PageIndexOption, OkularPage, ZathuraPage, HashPage, TrailingPage, UrlFragment };
struct Viewer {
    const char* idPrefix;
    const char* program;
    Style style;
};
constexpr Viewer kViewers[] = {
    {"org.gnome.Evince", "evince", Style::PageIndexOption},
    {"evince", "evince", Style::PageIndexOption},
    {"atril", "atril", Style::PageIndexOption},
    {"xreader", "xreader", Style::PageIndexOption},
    {"okular", "okular", Style::OkularPage},
    {"org.kde.okular", "okular", Style::OkularPage},
    {"org.pwmt.zathura", "zathura", Style::ZathuraPage},
    {"zathura", "zathura", Style::ZathuraPage},
    {"qpdfview", "qpdfview", Style::HashPage},
    {"mupdf", "mupdf", Style::TrailingPage},
    {"firefox", "firefox", Style::UrlFragment},
    {"firefox-esr", "firefox-esr", Style::UrlFragment},
    {"chromium", "chromium", Style::UrlFragment},
    {"google-chrome", "google-chrome", Style::UrlFragment},
};

} // namespace

std::optional<ViewerCommand> pageCommandFor(const QString& desktopId, const QString& path,
                                            int page) {
    // The path comes from the database: only an absolute one, which cannot pass for an option.
    if (page < 1 || !QDir::isAbsolutePath(path))
        return std::nullopt;
    const QString id = desktopId.trimmed();
    // The longest matching prefix: "firefox-esr" before "firefox".
    const Viewer* best = nullptr;
    for (const Viewer& v : kViewers) {
        const QLatin1String prefix(v.idPrefix);
        if (id.startsWith(prefix) && (!best || prefix.size() > qsizetype(qstrlen(best->idPrefix))))
            best = &v;
    }
    if (!best)
        return std::nullopt;
    const QString n = QString::number(page);
    // "--" ends the options where the viewer's parser knows it.
    ViewerCommand c{QString::fromLatin1(best->program), {}};
    switch (best->style) {
    case Style::PageIndexOption:
        c.arguments = {QStringLiteral("--page-index=") + n, QStringLiteral("--"), path};
        break;
    case Style::OkularPage:
        c.arguments = {QStringLiteral("--page"), n, QStringLiteral("--"), path};
        break;
    case Style::ZathuraPage:
        c.arguments = {QStringLiteral("--page=") + n, QStringLiteral("--"), path};
        break;
    case Style::HashPage:
        c.arguments = {path + QLatin1Char('#') + n};
        break;
    case Style::TrailingPage:
        c.arguments = {QStringLiteral("--"), path, n};
        break;
    case Style::UrlFragment: {
        QUrl url = QUrl::fromLocalFile(path);
        url.setFragment(QStringLiteral("page=") + n);
        c.arguments = {url.toString(QUrl::FullyEncoded)};
        break;
    }
    }
    return c;
}

PdfPageOpener::PdfPageOpener(QObject* parent)
    : QObject(parent)
    , openUrl([](const QUrl& url) { return QDesktopServices::openUrl(url); })
    , launch([](const QString& program, const QStringList& arguments) {
        return QProcess::startDetached(program, arguments);
    }) {}

void PdfPageOpener::open(const QString& path, int page, std::function<void(bool)> done) {
    m_waiting.append({path, page, std::move(done)});
    if (m_lookup == Lookup::Done) {
        const QList<Request> ready = std::exchange(m_waiting, {});
        for (const Request& r : ready)
            finish(r);
        return;
    }
    if (m_lookup == Lookup::Running)
        return;
    m_lookup = Lookup::Running;
    const QString xdgMime = QStandardPaths::findExecutable(QStringLiteral("xdg-mime"));
    auto* query = new QProcess(this);
    const auto complete = [this, query](const QString& id) {
        if (m_lookup == Lookup::Done)
            return;
        m_desktopId = id;
        m_lookup = Lookup::Done;
        query->deleteLater();
        const QList<Request> ready = std::exchange(m_waiting, {});
        for (const Request& r : ready)
            finish(r);
    };
    connect(query, &QProcess::finished, this, [query, complete](int code, QProcess::ExitStatus) {
        complete(code == 0 ? QString::fromLocal8Bit(query->readAllStandardOutput()).trimmed()
                           : QString());
    });
    connect(query, &QProcess::errorOccurred, this, [complete](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            complete({});
    });
    // A desktop whose xdg-mime hangs still opens the file, as the desktop would.
    QTimer::singleShot(kLookupTimeoutMs, query, [query, complete] {
        query->kill();
        complete({});
    });
    if (xdgMime.isEmpty()) {
        QTimer::singleShot(0, query, [complete] { complete({}); });
        return;
    }
    query->setStandardInputFile(QProcess::nullDevice());
    query->start(xdgMime, {QStringLiteral("query"), QStringLiteral("default"),
                           QStringLiteral("application/pdf")});
}

void PdfPageOpener::finish(const Request& r) {
    bool opened = false;
    if (const auto command = pageCommandFor(m_desktopId, r.path, r.page)) {
        const QString program = QStandardPaths::findExecutable(command->program);
        if (!program.isEmpty())
            opened = launch(program, command->arguments);
    }
    if (!opened)
        opened = openUrl(QUrl::fromLocalFile(r.path));
    if (r.done)
        r.done(opened);
}

} // namespace quiver
