#pragma once

#include <QByteArray>
#include <QString>
#include <QXmlStreamReader>

namespace quiver {

struct ReadContext;

// A QXmlStreamReader over one XML part of an untrusted document (DOCX, PPTX, ODF, EPUB), with
// the guards such XML needs. Throws ReadError (naming the part) when the part:
// - declares entities in a DTD: Qt caps each expansion, but not their number, so 60 KB of
//   references to a 1,000-character entity become 20 million characters (office formats and
//   EPUB never declare entities);
// - has an element with more than maxAttributes attributes: Qt compares each attribute with
//   every other, so 100,000 of them take minutes;
// - is damaged (throwIfDamaged()).
// Every few thousand tokens it asks the context whether the import was cancelled or the file's
// time is up.
class GuardedXmlReader {
public:
    static constexpr int maxAttributes = 256;

    GuardedXmlReader(const QByteArray& xml, QString partName, const ReadContext* context = nullptr);

    QXmlStreamReader::TokenType readNext();
    bool atEnd() const { return m_reader.atEnd(); }
    QXmlStreamReader& reader() { return m_reader; }
    void throwIfDamaged() const;

private:
    QXmlStreamReader m_reader;
    QString m_part;
    const ReadContext* m_context = nullptr;
    qint64 m_tokens = 0;
};

} // namespace quiver
