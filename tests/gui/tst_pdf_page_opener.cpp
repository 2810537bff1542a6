// Opening a PDF at a page: the command lines of the known viewers, and the opener asking the
// desktop (a stand-in xdg-mime on PATH, a real process) which viewer is the default.
#include "ui/search/pdf_page_opener.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace quiver;

namespace {

// An executable shell script; `body` runs with the arguments it was given.
bool writeScript(const QString& path, const QByteArray& body) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write("#!/bin/sh\n" + body + "\n");
    f.close();
    return f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

// A list of Latin-1 strings (the project builds without implicit conversions).
QStringList list(std::initializer_list<const char*> items) {
    QStringList out;
    for (const char* item : items)
        out.append(QString::fromLatin1(item));
    return out;
}

} // namespace

class TestPdfPageOpener : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void knownViewersGetThePage_data();
    void knownViewersGetThePage();
    void otherViewersAndStrangePathsGetNoCommand();
    void defaultViewerIsAskedOnceAndGivenThePage();
    void unknownDefaultViewerOpensTheFile();
    void noXdgMimeOpensTheFile();

private:
    struct Opened {
        QList<QUrl> urls;
        QList<QStringList> launched; // program, then arguments
        int done = 0;
        bool lastResult = false;
    };
    void openWith(PdfPageOpener& opener, Opened& seen, const QString& path, int page);
    int xdgMimeRuns() const;

    QTemporaryDir m_bin;
    QByteArray m_path;
};

void TestPdfPageOpener::initTestCase() {
    QVERIFY(m_bin.isValid());
    m_path = qgetenv("PATH");
    // A viewer that must never really start: the tests intercept the launch.
    QVERIFY(writeScript(m_bin.filePath(QStringLiteral("evince")), "exit 3"));
}

void TestPdfPageOpener::init() {
    QFile::remove(m_bin.filePath(QStringLiteral("xdg-mime")));
    QFile::remove(m_bin.filePath(QStringLiteral("runs")));
    // Only the stand-ins and the shell's own tools.
    qputenv("PATH", QFile::encodeName(m_bin.path()) + ":/bin:/usr/bin");
}

void TestPdfPageOpener::cleanup() {
    qputenv("PATH", m_path);
}

int TestPdfPageOpener::xdgMimeRuns() const {
    QFile f(m_bin.filePath(QStringLiteral("runs")));
    return f.open(QIODevice::ReadOnly) ? int(f.readAll().count('\n')) : 0;
}

void TestPdfPageOpener::openWith(PdfPageOpener& opener, Opened& seen, const QString& path,
                                 int page) {
    opener.openUrl = [&seen](const QUrl& url) {
        seen.urls.append(url);
        return true;
    };
    opener.launch = [&seen](const QString& program, const QStringList& arguments) {
        seen.launched.append(QStringList{program} + arguments);
        return true;
    };
    opener.open(path, page, [&seen](bool opened) {
        ++seen.done;
        seen.lastResult = opened;
    });
}

void TestPdfPageOpener::knownViewersGetThePage_data() {
    QTest::addColumn<QString>("desktopId");
    QTest::addColumn<QStringList>("command");
    const QByteArray fb = "/docs/a b.pdf";
    const char* f = fb.constData();
    const QByteArray hashed = fb + "#7";
    QTest::newRow("evince") << QString::fromLatin1("org.gnome.Evince.desktop")
                            << list({"evince", "--page-index=7", "--", f});
    QTest::newRow("okular") << QString::fromLatin1("okularApplication_pdf.desktop")
                            << list({"okular", "--page", "7", "--", f});
    QTest::newRow("okular (kde id)") << QString::fromLatin1("org.kde.okular.desktop")
                                     << list({"okular", "--page", "7", "--", f});
    QTest::newRow("zathura") << QString::fromLatin1("org.pwmt.zathura-pdf-mupdf.desktop")
                             << list({"zathura", "--page=7", "--", f});
    QTest::newRow("atril") << QString::fromLatin1("atril.desktop")
                           << list({"atril", "--page-index=7", "--", f});
    QTest::newRow("qpdfview") << QString::fromLatin1("qpdfview.desktop")
                              << list({"qpdfview", hashed.constData()});
    QTest::newRow("mupdf") << QString::fromLatin1("mupdf.desktop") << list({"mupdf", "--", f, "7"});
    QTest::newRow("firefox-esr") << QString::fromLatin1("firefox-esr.desktop")
                                 << list({"firefox-esr", "file:///docs/a%20b.pdf#page=7"});
}

void TestPdfPageOpener::knownViewersGetThePage() {
    QFETCH(QString, desktopId);
    QFETCH(QStringList, command);
    const auto c = pageCommandFor(desktopId, QStringLiteral("/docs/a b.pdf"), 7);
    QVERIFY(c.has_value());
    QCOMPARE(QStringList{c->program} + c->arguments, command);
}

void TestPdfPageOpener::otherViewersAndStrangePathsGetNoCommand() {
    QVERIFY(!pageCommandFor(QStringLiteral("libreoffice-draw.desktop"),
                            QStringLiteral("/docs/a.pdf"), 2));
    QVERIFY(!pageCommandFor(QString(), QStringLiteral("/docs/a.pdf"), 2));
    // A path from the database that could pass for an option is never put on a command line.
    QVERIFY(!pageCommandFor(QStringLiteral("org.gnome.Evince.desktop"),
                            QStringLiteral("--exec=x.pdf"), 2));
    QVERIFY(!pageCommandFor(QStringLiteral("org.gnome.Evince.desktop"),
                            QStringLiteral("/docs/a.pdf"), 0));
}

void TestPdfPageOpener::defaultViewerIsAskedOnceAndGivenThePage() {
    QVERIFY(writeScript(m_bin.filePath(QStringLiteral("xdg-mime")),
                        "echo \"$*\" >> \"$(dirname \"$0\")/runs\"\n"
                        "echo org.gnome.Evince.desktop"));
    PdfPageOpener opener;
    Opened seen;
    openWith(opener, seen, QStringLiteral("/docs/manual.pdf"), 12);
    // Two requests while the desktop is being asked: both wait for its answer.
    opener.open(QStringLiteral("/docs/other.pdf"), 3, [&seen](bool) { ++seen.done; });
    QTRY_COMPARE_WITH_TIMEOUT(seen.done, 2, 60000);
    QVERIFY(seen.lastResult);
    QVERIFY(seen.urls.isEmpty());
    const QString evince = m_bin.filePath(QStringLiteral("evince"));
    QCOMPARE(seen.launched,
             (QList<QStringList>{
                 QStringList{evince} + list({"--page-index=12", "--", "/docs/manual.pdf"}),
                 QStringList{evince} + list({"--page-index=3", "--", "/docs/other.pdf"})}));
    openWith(opener, seen, QStringLiteral("/docs/third.pdf"), 1);
    QCOMPARE(seen.done, 3); // answered at once: the viewer is known now
    QCOMPARE(xdgMimeRuns(), 1);
    QFile runs(m_bin.filePath(QStringLiteral("runs")));
    QVERIFY(runs.open(QIODevice::ReadOnly));
    QCOMPARE(runs.readAll().trimmed(), QByteArray("query default application/pdf"));
}

void TestPdfPageOpener::unknownDefaultViewerOpensTheFile() {
    QVERIFY(writeScript(m_bin.filePath(QStringLiteral("xdg-mime")), "echo some-viewer.desktop"));
    PdfPageOpener opener;
    Opened seen;
    openWith(opener, seen, QStringLiteral("/docs/manual.pdf"), 12);
    QTRY_COMPARE_WITH_TIMEOUT(seen.done, 1, 60000);
    QVERIFY(seen.launched.isEmpty());
    QCOMPARE(seen.urls, QList<QUrl>{QUrl::fromLocalFile(QStringLiteral("/docs/manual.pdf"))});
}

void TestPdfPageOpener::noXdgMimeOpensTheFile() {
    qputenv("PATH", QFile::encodeName(m_bin.path())); // evince is there, xdg-mime is not
    PdfPageOpener opener;
    Opened seen;
    openWith(opener, seen, QStringLiteral("/docs/manual.pdf"), 12);
    QTRY_COMPARE_WITH_TIMEOUT(seen.done, 1, 60000);
    QVERIFY(seen.launched.isEmpty());
    QCOMPARE(seen.urls.size(), 1);
}

QTEST_GUILESS_MAIN(TestPdfPageOpener)
#include "tst_pdf_page_opener.moc"
