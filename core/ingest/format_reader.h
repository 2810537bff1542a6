#pragma once

#include "core/ingest/raw_document.h"

#include <QByteArray>

namespace quiver {

struct ReadContext;

// One file format. Implementations are stateless and may run on any thread; they throw
// ReadError with a reason when the bytes are not a readable file of their format.
class FormatReader {
public:
    virtual ~FormatReader() = default;
    virtual RawDocument read(const QByteArray& bytes, const ReadContext& context) const = 0;
};

} // namespace quiver
