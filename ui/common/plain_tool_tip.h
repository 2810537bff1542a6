#pragma once

#include <QString>

namespace quiver {

// A tooltip that shows its text as it is. Qt shows a tooltip as rich text whenever the string
// looks like markup (Qt::mightBeRichText), so a document titled <img src="/dev/zero"> would be
// loaded, not shown; labels have setTextFormat(Qt::PlainText), tooltips have no such switch.
// So the text is escaped, inside a paragraph that keeps its line breaks. Empty stays empty (no
// tooltip).
QString plainToolTip(const QString& text);

} // namespace quiver
