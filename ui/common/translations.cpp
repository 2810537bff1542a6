#include "ui/common/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace quiver {

namespace {
const QString kResourceDir = QStringLiteral(":/i18n");

// Owned by the application, so that it lives as long as the strings it translates.
QTranslator* load(const QLocale& locale, const QString& name, const QString& dir) {
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (translator->load(locale, name, QStringLiteral("_"), dir) && !translator->isEmpty())
        return translator;
    delete translator;
    return nullptr;
}
} // namespace

QString installTranslations(const QLocale& locale) {
    // Translators installed later are asked first: English is the fallback.
    if (QTranslator* english =
            load(QLocale(QLocale::English), QStringLiteral("quiver"), kResourceDir))
        QCoreApplication::installTranslator(english);
    QString language = QStringLiteral("en");
    for (const QString& uiLanguage : locale.uiLanguages()) {
        const QLocale wanted(uiLanguage);
        // English speakers have it already; an English preference before another language
        // means English.
        if (wanted.language() == QLocale::English || wanted.language() == QLocale::C)
            break;
        if (QTranslator* translator = load(wanted, QStringLiteral("quiver"), kResourceDir)) {
            QCoreApplication::installTranslator(translator);
            language = translator->language();
            break;
        }
    }
    // Qt's own strings (Cancel, Close, the file dialogs) in the user's language, where Qt's
    // translations are installed; a bundle without them stays English.
    if (QTranslator* qt = load(locale, QStringLiteral("qtbase"),
                               QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    return language;
}

} // namespace quiver
