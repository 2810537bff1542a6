#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

namespace quiver {

// How a PDF viewer is told to open a file at a page.
struct ViewerCommand {
    QString program;
    QStringList arguments;
};

// The command line that opens `path` at `page` (1-based) in the viewer of this desktop entry
// (org.gnome.Evince.desktop, okularApplication_pdf.desktop, ...); nothing for a viewer whose
// command line cannot name a page, or that is not known here.
std::optional<ViewerCommand> pageCommandFor(const QString& desktopId, const QString& path,
                                            int page);

// Opens PDFs at a page with the desktop's default PDF viewer when its command line can say
// which page, and as the desktop opens files otherwise. The default viewer is asked of
// xdg-mime (where there is one) in the background, once: nothing here waits on the GUI thread.
class PdfPageOpener : public QObject {
    Q_OBJECT

public:
    explicit PdfPageOpener(QObject* parent = nullptr);

    // Opens the file; `done` gets false when nothing could open it. Returns at once.
    void open(const QString& path, int page, std::function<void(bool opened)> done = {});

    // Tests see what would run instead of running it.
    std::function<bool(const QUrl&)> openUrl;
    std::function<bool(const QString& program, const QStringList& arguments)> launch;

private:
    struct Request {
        QString path;
        int page = 0;
        std::function<void(bool)> done;
    };
    void finish(const Request& r);

    enum class Lookup { NotStarted, Running, Done };
    Lookup m_lookup = Lookup::NotStarted;
    QString m_desktopId; // the default PDF viewer's desktop entry; empty when unknown
    QList<Request> m_waiting;
};

} // namespace quiver
