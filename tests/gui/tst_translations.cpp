// The translations compiled into the program and the start-up code that installs them.
#include "ui/common/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QTest>
#include <QTranslator>

using namespace quiver;

class TestTranslations : public QObject {
    Q_OBJECT

private slots:
    void cleanup();
    void compiledIntoTheResources();
    void englishHasItsPluralForms();
    void untranslatedLanguageFallsBackToEnglish();
};

// Each test starts with no translator installed.
void TestTranslations::cleanup() {
    for (QTranslator* t : QCoreApplication::instance()->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
}

void TestTranslations::compiledIntoTheResources() {
    for (const char* language : {"en", "de"}) {
        const QString path = QStringLiteral(":/i18n/quiver_%1.qm").arg(QLatin1String(language));
        QVERIFY2(QFile::exists(path), qPrintable(path));
        QTranslator translator;
        QVERIFY2(translator.load(path), qPrintable(path));
    }
}

// Without a translation "%n passage(s)" reads "1 passage(s)"; English's plural forms fix it.
void TestTranslations::englishHasItsPluralForms() {
    QCOMPARE(QCoreApplication::translate("quiver::SearchPage", "%n passage(s)", nullptr, 1),
             QStringLiteral("1 passage(s)"));
    QCOMPARE(installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)),
             QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("quiver::SearchPage", "%n passage(s)", nullptr, 1),
             QStringLiteral("1 passage"));
    QCOMPARE(QCoreApplication::translate("quiver::SearchPage", "%n passage(s)", nullptr, 3),
             QStringLiteral("3 passages"));
    // Singular agreement beyond the noun.
    QCOMPARE(QCoreApplication::translate(
                 "quiver::MainWindow",
                 "%n document(s) of the collection \"%1\" have no file any more in %2.", nullptr,
                 1),
             QStringLiteral("1 document of the collection \"%1\" has no file any more in %2."));
    // Strings without plurals are the source text.
    QCOMPARE(QCoreApplication::translate("quiver::SearchPage", "Search results"),
             QStringLiteral("Search results"));
}

void TestTranslations::untranslatedLanguageFallsBackToEnglish() {
    QCOMPARE(installTranslations(QLocale(QLocale::Icelandic, QLocale::Iceland)),
             QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("quiver::SearchPage", "%n passage(s)", nullptr, 2),
             QStringLiteral("2 passages"));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
