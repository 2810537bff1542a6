// Libraries' data files shipped beside the programs (macOS bundle, Windows installer): found in
// either layout, left alone when the user set the library's own variable, and really loaded.
#include "core/ingest/bundled_data.h"
#include "core/ingest/ocr_engine.h"
#include "core/ingest/read_error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <magic.h>

using namespace quiver;

namespace {

// The copies the installers' copies are made from: where the workflows point MAGIC and
// TESSDATA_PREFIX, else the Debian packages' places.
QString sourceMagic() {
    const QString chosen = qEnvironmentVariable("MAGIC");
    return chosen.isEmpty() ? QStringLiteral("/usr/share/misc/magic.mgc") : chosen;
}

QString sourceTraineddata(const QString& language) {
    const QString file = language + QStringLiteral(".traineddata");
    if (const QString chosen = qEnvironmentVariable("TESSDATA_PREFIX"); !chosen.isEmpty())
        return QDir(chosen).filePath(file);
    const QDir root(QStringLiteral("/usr/share/tesseract-ocr"));
    for (const QString& version : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString path = root.filePath(version + QStringLiteral("/tessdata/") + file);
        if (QFile::exists(path))
            return path;
    }
    return {};
}

bool makeFile(const QString& path) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly);
}

} // namespace

class TestBundledData : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void findsTheMacBundleLayout();
    void findsTheWindowsLayout();
    void nothingBundledLeavesTheLibraryDefault();
    void theUsersVariableWins();
    void bundledMagicDatabaseLoads();
    void bundledTessdataLoadsAndAMissingLanguageNamesTheFolder();

private:
    QString m_magic;
    QString m_eng;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestBundledData::initTestCase() {
    m_magic = sourceMagic();
    m_eng = sourceTraineddata(QStringLiteral("eng"));
}

void TestBundledData::init() {
    qunsetenv("MAGIC");
    qunsetenv("TESSDATA_PREFIX");
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestBundledData::findsTheMacBundleLayout() {
    const QString contents = m_dir->filePath(QStringLiteral("Quiver.app/Contents"));
    QVERIFY(QDir().mkpath(contents + QStringLiteral("/MacOS")));
    QVERIFY(makeFile(contents + QStringLiteral("/Resources/magic.mgc")));
    QVERIFY(QDir().mkpath(contents + QStringLiteral("/Resources/tessdata")));
    QCOMPARE(bundledMagicDatabase(contents + QStringLiteral("/MacOS")),
             contents + QStringLiteral("/Resources/magic.mgc"));
    QCOMPARE(bundledTessdata(contents + QStringLiteral("/MacOS")),
             contents + QStringLiteral("/Resources/tessdata"));
}

void TestBundledData::findsTheWindowsLayout() {
    const QString root = m_dir->filePath(QStringLiteral("Quiver"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/bin")));
    QVERIFY(makeFile(root + QStringLiteral("/share/misc/magic.mgc")));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/share/tessdata")));
    QCOMPARE(bundledMagicDatabase(root + QStringLiteral("/bin")),
             root + QStringLiteral("/share/misc/magic.mgc"));
    QCOMPARE(bundledTessdata(root + QStringLiteral("/bin")),
             root + QStringLiteral("/share/tessdata"));
}

void TestBundledData::nothingBundledLeavesTheLibraryDefault() {
    const QString bin = m_dir->filePath(QStringLiteral("bin"));
    QVERIFY(QDir().mkpath(bin));
    // A folder where the database file should be is no database.
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("share/misc/magic.mgc"))));
    QVERIFY(bundledMagicDatabase(bin).isEmpty());
    QVERIFY(bundledTessdata(bin).isEmpty());
}

void TestBundledData::theUsersVariableWins() {
    const QString bin = m_dir->filePath(QStringLiteral("bin"));
    QVERIFY(QDir().mkpath(bin));
    QVERIFY(makeFile(m_dir->filePath(QStringLiteral("share/misc/magic.mgc"))));
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("share/tessdata"))));
    qputenv("MAGIC", "/elsewhere/magic.mgc");
    qputenv("TESSDATA_PREFIX", "/elsewhere/tessdata");
    QVERIFY(bundledMagicDatabase(bin).isEmpty());
    QVERIFY(bundledTessdata(bin).isEmpty());
    qunsetenv("MAGIC");
    QVERIFY(!bundledMagicDatabase(bin).isEmpty());
    QVERIFY(bundledTessdata(bin).isEmpty());
}

void TestBundledData::bundledMagicDatabaseLoads() {
    QVERIFY2(QFile::exists(m_magic), "libmagic's database is missing: install libmagic-mgc");
    const QString contents = m_dir->filePath(QStringLiteral("Contents"));
    QVERIFY(QDir().mkpath(contents + QStringLiteral("/MacOS")));
    QVERIFY(QDir().mkpath(contents + QStringLiteral("/Resources")));
    QVERIFY(QFile::copy(m_magic, contents + QStringLiteral("/Resources/magic.mgc")));
    const QByteArray found =
        QFile::encodeName(bundledMagicDatabase(contents + QStringLiteral("/MacOS")));
    QVERIFY(!found.isEmpty());
    magic_t cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    QVERIFY(cookie);
    const auto close = qScopeGuard([&] { magic_close(cookie); });
    QCOMPARE(magic_load(cookie, found.constData()), 0);
    const QByteArray pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n";
    QCOMPARE(QByteArray(magic_buffer(cookie, pdf.constData(), size_t(pdf.size()))),
             QByteArray("application/pdf"));
}

void TestBundledData::bundledTessdataLoadsAndAMissingLanguageNamesTheFolder() {
    QVERIFY2(QFile::exists(m_eng),
             "Tesseract's English data is missing: install tesseract-ocr-eng");
    const QString bin = m_dir->filePath(QStringLiteral("bin"));
    const QString tessdata = m_dir->filePath(QStringLiteral("share/tessdata"));
    QVERIFY(QDir().mkpath(bin));
    QVERIFY(QDir().mkpath(tessdata));
    QVERIFY(QFile::copy(m_eng, tessdata + QStringLiteral("/eng.traineddata")));
    const QString found = bundledTessdata(bin);
    QCOMPARE(found, tessdata);
    try {
        OcrEngine engine(QStringLiteral("eng"), found);
    } catch (const ReadError& e) {
        QFAIL(qPrintable(e.reason()));
    }
    try {
        OcrEngine engine(QStringLiteral("deu"), found);
        QFAIL("an engine without its language data was made");
    } catch (const ReadError& e) {
        QVERIFY2(e.reason().contains(QDir::toNativeSeparators(tessdata)), qPrintable(e.reason()));
        QVERIFY2(e.reason().contains(QStringLiteral("deu.traineddata")), qPrintable(e.reason()));
    }
}

QTEST_GUILESS_MAIN(TestBundledData)
#include "tst_bundled_data.moc"
