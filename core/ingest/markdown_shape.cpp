#include "core/ingest/markdown_shape.h"

namespace quiver {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Containers a line opens or continues: '>' markers, list markers, and indentation (a nested
// list item is indented by at least two columns a level).
int lineNesting(QByteArrayView line) {
    int markers = 0;
    int columns = 0;
    qsizetype i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (c == ' ') {
            ++columns;
            ++i;
        } else if (c == '\t') {
            columns += 4;
            ++i;
        } else if (c == '>') {
            ++markers;
            ++i;
            if (i < line.size() && line[i] == ' ')
                ++i; // the marker's own space, not indentation
        } else if ((c == '-' || c == '*' || c == '+') && i + 1 < line.size() &&
                   (line[i + 1] == ' ' || line[i + 1] == '\t')) {
            ++markers;
            i += 2;
        } else if (isDigit(c)) {
            qsizetype j = i;
            while (j < line.size() && isDigit(line[j]))
                ++j;
            if (j < line.size() && (line[j] == '.' || line[j] == ')')) {
                ++markers;
                i = j + 1;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    return markers + columns / 2;
}

bool isBlank(QByteArrayView line) {
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}

} // namespace

MarkdownShape MarkdownShape::of(QByteArrayView utf8) {
    MarkdownShape shape;
    int brackets = 0;
    qsizetype start = 0;
    while (start <= utf8.size()) {
        qsizetype end = utf8.indexOf('\n', start);
        if (end < 0)
            end = utf8.size();
        const QByteArrayView line = utf8.sliced(start, end - start);
        if (isBlank(line)) {
            brackets = 0;
        } else {
            shape.nesting = std::max(shape.nesting, lineNesting(line));
            for (const char c : line)
                brackets += c == '[' || c == ']';
            shape.bracketsPerBlock = std::max(shape.bracketsPerBlock, brackets);
        }
        start = end + 1;
    }
    return shape;
}

QString MarkdownShape::problem() const {
    if (nesting > maxNesting)
        return QStringLiteral("its Markdown nests %1 levels deep (more than %2)")
            .arg(nesting)
            .arg(maxNesting);
    if (bracketsPerBlock > maxBracketsPerBlock)
        return QStringLiteral("a paragraph of its Markdown holds %1 brackets (more than %2)")
            .arg(bracketsPerBlock)
            .arg(maxBracketsPerBlock);
    return {};
}

} // namespace quiver
