#include "core/embed/lexical_embedder.h"

#include <QChar>

#include <cmath>
#include <cstdint>

namespace quiver {

namespace {

// Versioned into the model id: changing any constant below changes every vector.
constexpr float kWordWeight = 1.0F;
constexpr float kTrigramWeight = 0.5F;
constexpr char16_t kBoundary = u'\u0002';

// A strong 64-bit finaliser (from MurmurHash3): the input is already a mixed combination of the
// code units, this spreads it over every bit so that bucket and sign are independent.
std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

struct Counts {
    std::vector<float> pos;
    std::vector<float> neg;
    explicit Counts(int dims)
        : pos(static_cast<std::size_t>(dims), 0.0F)
        , neg(static_cast<std::size_t>(dims), 0.0F) {}
    void add(std::uint64_t hash, std::size_t dims) {
        const std::uint64_t h = mix(hash);
        // Multiply-shift instead of a division: maps the low 32 bits evenly onto [0, dims).
        const auto bucket = static_cast<std::size_t>(((h & 0xffffffffULL) * dims) >> 32);
        if (h >> 63)
            neg[bucket] += 1.0F;
        else
            pos[bucket] += 1.0F;
    }
};

float sublinear(float count) {
    return count > 0.0F ? 1.0F + std::log(count) : 0.0F;
}

} // namespace

LexicalEmbedder::LexicalEmbedder(int dimensions)
    : m_dimensions(dimensions > 0 ? dimensions : 1024) {}

QString LexicalEmbedder::modelId() const {
    return QStringLiteral("lexical-v1-%1").arg(m_dimensions);
}

std::vector<float> LexicalEmbedder::embedOne(const QString& text) const {
    const auto dims = static_cast<std::size_t>(m_dimensions);
    Counts words(m_dimensions);
    Counts grams(m_dimensions);

    // Walk the text once: a word is a run of letters, digits or marks; its hash grows as it
    // goes, and each trigram of "\2word\2" is hashed from the last three code units.
    std::uint64_t wordHash = 0;
    int wordLength = 0;
    char16_t a = 0;
    char16_t b = kBoundary;
    const auto pushTrigram = [&](char16_t c) {
        if (a != 0) {
            const std::uint64_t g = (std::uint64_t{a} << 32) | (std::uint64_t{b} << 16) | c;
            grams.add(g ^ 0x9e3779b97f4a7c15ULL, dims);
        }
        a = b;
        b = c;
    };
    const auto endWord = [&]() {
        if (wordLength == 0)
            return;
        pushTrigram(kBoundary);
        words.add(wordHash, dims);
        wordHash = 0;
        wordLength = 0;
        a = 0;
        b = kBoundary;
    };
    const QChar* data = text.constData();
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar ch = data[i];
        const char16_t u = ch.unicode();
        bool inWord;
        char16_t folded;
        if (u < 0x80) {
            // ASCII fast path: the bulk of most text.
            inWord =
                (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || (u >= u'A' && u <= u'Z');
            folded = (u >= u'A' && u <= u'Z') ? static_cast<char16_t>(u + 32) : u;
        } else {
            inWord = ch.isLetterOrNumber() || ch.isMark() || ch.isSurrogate();
            folded = ch.toCaseFolded().unicode();
        }
        if (!inWord) {
            endWord();
            continue;
        }
        wordHash = (wordHash ^ folded) * 0x100000001b3ULL + 0x2545f4914f6cdd1dULL;
        ++wordLength;
        pushTrigram(folded);
    }
    endWord();

    std::vector<float> v(dims, 0.0F);
    double norm = 0.0;
    for (std::size_t i = 0; i < dims; ++i) {
        const float x = kWordWeight * (sublinear(words.pos[i]) - sublinear(words.neg[i])) +
                        kTrigramWeight * (sublinear(grams.pos[i]) - sublinear(grams.neg[i]));
        v[i] = x;
        norm += static_cast<double>(x) * static_cast<double>(x);
    }
    if (norm == 0.0) {
        // No word at all: one fixed unit vector, so the result is still usable for cosine.
        v[0] = 1.0F;
        return v;
    }
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v)
        x *= inv;
    return v;
}

std::vector<std::vector<float>> LexicalEmbedder::embed(const QStringList& texts,
                                                       const CancelToken& cancel) {
    std::vector<std::vector<float>> out;
    out.reserve(static_cast<std::size_t>(texts.size()));
    for (const QString& t : texts) {
        if (cancel.isCancelled())
            throw EmbedError(EmbedError::Kind::Cancelled, QStringLiteral("embedding cancelled"));
        out.push_back(embedOne(t));
    }
    return out;
}

} // namespace quiver
