#pragma once

#include <QLocale>
#include <QString>

namespace quiver {

// Installs the translations compiled into the program (:/i18n, see resources/CMakeLists.txt)
// on the running application: English first, for its plural forms ("1 document", not
// "1 document(s)"), then the first of `locale`'s languages that Quiver is translated into, and
// Qt's own translation of its standard buttons and dialogs. Returns the language of the
// translation chosen for `locale` (e.g. "de"), or "en" when there is none.
QString installTranslations(const QLocale& locale = QLocale());

} // namespace quiver
