#pragma once

#include <QList>
#include <QString>

namespace quiver {

// One piece of a document's text. start/end are UTF-16 offsets into the text that was split;
// text is exactly text.mid(start, end - start) and never starts or ends with whitespace.
struct TextChunk {
    qsizetype start = 0;
    qsizetype end = 0;
    QString text;
    int tokens = 0; // TokenEstimator's count
};

// Splits text into chunks of at most maxTokens estimated tokens that overlap by about
// overlapTokens. A chunk ends at the strongest boundary inside its budget: a paragraph break,
// else a line break, else a sentence end, else a space; a single word longer than the budget
// is cut between characters (never inside a surrogate pair). Chunks shorter than half the
// budget are only made where the text ends.
class Chunker {
public:
    struct Settings {
        int maxTokens = 128;
        int overlapTokens = 16;
    };
    explicit Chunker(Settings settings);
    // reservedTokens: what the embedding template adds around each chunk (e.g. the title).
    QList<TextChunk> split(const QString& text, int reservedTokens = 0) const;

private:
    Settings m_settings;
};

} // namespace quiver
