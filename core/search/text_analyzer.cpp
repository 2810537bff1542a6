#include "core/search/text_analyzer.h"

#include "core/search/stop_words.h"

#include <QChar>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <libstemmer.h>
#include <new>
#include <stdexcept>
#include <unordered_map>

namespace quiver {

namespace {

// Bump whenever a rule in this file changes what some text analyses to: version() includes it.
constexpr int kRulesVersion = 1;
constexpr std::size_t kMaxTermBytes = 64;
// A token longer than this (UTF-16 units) can only fold to 64 bytes or less if it is mostly
// combining marks: it is dropped without being folded, so a megabyte of base64 costs one scan.
constexpr qsizetype kMaxTokenUnits = 4 * static_cast<qsizetype>(kMaxTermBytes);
constexpr std::size_t kMaxCacheEntries = 200'000;

// What a character is to the tokenizer.
// Ignorable: a format character (soft hyphen, zero-width joiners, bidi marks) that PDFs and
// word processors leave inside words; it neither starts nor ends a token, and folding drops it.
enum class Kind : std::uint8_t { None, Letter, Digit, Mark, Ignorable, Unspaced };

constexpr std::array<Kind, 128> kAsciiKinds = [] {
    std::array<Kind, 128> t{};
    for (char c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = Kind::Digit;
    for (char c = 'a'; c <= 'z'; ++c) {
        t[static_cast<std::size_t>(c)] = Kind::Letter;
        t[static_cast<std::size_t>(c - 'a' + 'A')] = Kind::Letter;
    }
    return t;
}();

// Scripts written without spaces between words: their runs are cut into bigrams.
bool isUnspaced(char32_t cp) {
    switch (QChar::script(cp)) {
    case QChar::Script_Han:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
    case QChar::Script_Hangul:
    case QChar::Script_Thai:
    case QChar::Script_Lao:
    case QChar::Script_Khmer:
    case QChar::Script_Myanmar:
        return true;
    default:
        // The prolonged sound marks are of the Common script but are letters of Katakana words.
        return cp == 0x30FC || cp == 0xFF70;
    }
}

Kind kindOf(char32_t cp) {
    if (cp < 0x80)
        return kAsciiKinds[cp];
    switch (QChar::category(cp)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return Kind::Mark;
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return Kind::Digit;
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return isUnspaced(cp) ? Kind::Unspaced : Kind::Letter;
    case QChar::Other_Format:
        // The zero-width space separates words (Thai, Khmer); the other format characters do not.
        return cp == 0x200B ? Kind::None : Kind::Ignorable;
    default:
        return Kind::None;
    }
}

// The code point at s[i] and its length in UTF-16 units; a lone surrogate is returned as is.
char32_t decode(const char16_t* s, qsizetype n, qsizetype i, int& len) {
    const char16_t c = s[i];
    if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(s[i + 1])) {
        len = 2;
        return QChar::surrogateToUcs4(c, s[i + 1]);
    }
    len = 1;
    return c;
}

void appendUtf8(std::string& out, const char16_t* s, qsizetype n) {
    for (qsizetype i = 0; i < n;) {
        int len = 1;
        char32_t cp = decode(s, n, i, len);
        i += len;
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD; // a lone surrogate is not encodable
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
}

// Case folding, then no combining marks on Latin letters and no format characters.
// QString::toCaseFolded is Unicode's simple folding; the full foldings that matter for Latin text
// are added by hand (ß and ẞ → ss, the Latin ligatures, İ → i), and the right single quote becomes
// an apostrophe.
QString foldWord(QStringView word) {
    const QString simple = word.toString().toCaseFolded();
    QString full;
    full.reserve(simple.size() + 4);
    for (const QChar ch : simple) {
        switch (ch.unicode()) {
        case 0x00DF: // ß (ẞ has become ß above)
            full += QLatin1String("ss");
            break;
        case 0x0130: // İ folds to i and a combining dot, which would go with the marks below
            full += QLatin1Char('i');
            break;
        case 0x0149: // ŉ
            full += QChar(0x02BC);
            full += QLatin1Char('n');
            break;
        case 0x2019:
            full += QLatin1Char('\'');
            break;
        case 0xFB00:
            full += QLatin1String("ff");
            break;
        case 0xFB01:
            full += QLatin1String("fi");
            break;
        case 0xFB02:
            full += QLatin1String("fl");
            break;
        case 0xFB03:
            full += QLatin1String("ffi");
            break;
        case 0xFB04:
            full += QLatin1String("ffl");
            break;
        case 0xFB05:
        case 0xFB06:
            full += QLatin1String("st");
            break;
        default:
            full += ch;
        }
    }
    const QString decomposed = full.normalized(QString::NormalizationForm_D);
    const QStringView v(decomposed);
    QString out;
    out.reserve(v.size());
    bool latinBase = false;
    for (qsizetype i = 0; i < v.size();) {
        int len = 1;
        const char32_t cp = decode(v.utf16(), v.size(), i, len);
        const QChar::Category category = QChar::category(cp);
        if (category == QChar::Mark_NonSpacing) {
            if (!latinBase)
                out.append(v.mid(i, len));
        } else if (category != QChar::Other_Format) {
            latinBase = QChar::script(cp) == QChar::Script_Latin;
            out.append(v.mid(i, len));
        }
        i += len;
    }
    return out.normalized(QString::NormalizationForm_C);
}

// Byte storage that never moves what it holds: string_views into it stay valid until clear()
// or destruction.
class Arena {
public:
    std::string_view store(std::string_view s) {
        if (s.size() > m_left)
            grow(s.size());
        char* p = m_next;
        if (!s.empty())
            std::memcpy(p, s.data(), s.size());
        m_next += s.size();
        m_left -= s.size();
        return {p, s.size()};
    }
    // Forgets everything but keeps the first block for reuse.
    void clear() {
        if (m_blocks.empty())
            return;
        m_blocks.resize(1);
        m_next = m_blocks.front().data.get();
        m_left = m_blocks.front().size;
    }

private:
    static constexpr std::size_t kBlockSize = 64 * 1024;
    struct Block {
        std::unique_ptr<char[]> data;
        std::size_t size = 0;
    };
    void grow(std::size_t need) {
        const std::size_t size = std::max(kBlockSize, need);
        m_blocks.push_back({std::unique_ptr<char[]>(new char[size]), size});
        m_next = m_blocks.back().data.get();
        m_left = size;
    }
    std::vector<Block> m_blocks;
    char* m_next = nullptr;
    std::size_t m_left = 0;
};

} // namespace

struct TextAnalyzer::Impl {
    QString language;
    sb_stemmer* stemmer = nullptr;
    bool englishStopWords = false;
    // Word (see termOf) → term; an empty term means the word is dropped.
    std::unordered_map<std::string_view, std::string_view> cache;
    Arena keys;  // the cache's keys; cleared with it
    Arena terms; // every term handed out; lives as long as the analyzer
    std::string key;
    std::string folded;
    std::vector<std::pair<qsizetype, qsizetype>> units; // a bigram run's characters: start, end

    ~Impl() { sb_stemmer_delete(stemmer); }

    std::string_view remember(std::string_view k, std::string_view term) {
        if (cache.size() >= kMaxCacheEntries) {
            cache.clear();
            keys.clear();
        }
        cache.emplace(keys.store(k), term);
        return term;
    }

    // The term of a folded word: empty when it is dropped.
    std::string_view analyzeFolded(std::string_view word, bool hasDigit) {
        if (word.empty() || word.size() > kMaxTermBytes)
            return {};
        if (englishStopWords && isEnglishStopWord(word))
            return {};
        if (!stemmer || hasDigit)
            return terms.store(word);
        const sb_symbol* stem =
            sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                            static_cast<int>(word.size()));
        if (!stem)
            throw std::bad_alloc();
        const int length = sb_stemmer_length(stemmer);
        if (length <= 0)
            return {};
        return terms.store({reinterpret_cast<const char*>(stem), static_cast<std::size_t>(length)});
    }

    // The term of the word s[0, n). ASCII words are looked up folded (folding them is a table
    // lookup per letter); other words are looked up as written, so that the Unicode folding is
    // paid once per spelling rather than once per occurrence.
    std::string_view termOf(const char16_t* s, qsizetype n, bool ascii, bool hasDigit) {
        if (n > kMaxTokenUnits)
            return {};
        if (ascii) {
            if (static_cast<std::size_t>(n) > kMaxTermBytes)
                return {};
            key.resize(static_cast<std::size_t>(n));
            for (qsizetype i = 0; i < n; ++i) {
                const char16_t c = s[i];
                key[static_cast<std::size_t>(i)] =
                    static_cast<char>(c >= u'A' && c <= u'Z' ? c + (u'a' - u'A') : c);
            }
        } else {
            key.clear();
            appendUtf8(key, s, n);
        }
        if (const auto it = cache.find(key); it != cache.end())
            return it->second;
        if (ascii)
            return remember(key, analyzeFolded(key, hasDigit));
        const QString f = foldWord(QStringView(s, n));
        folded.clear();
        appendUtf8(folded, QStringView(f).utf16(), f.size());
        return remember(key, analyzeFolded(folded, hasDigit));
    }

    // A bigram (or lone character) s[0, n) of an unspaced script is its own term.
    std::string_view bigramTerm(const char16_t* s, qsizetype n) {
        key.clear();
        appendUtf8(key, s, n);
        if (const auto it = cache.find(key); it != cache.end())
            return it->second;
        return remember(key, terms.store(key));
    }

    // Calls sink(term, position, start, length) for each kept token of text, in order; returns
    // the number of positions used.
    template <class Sink>
    int run(QStringView text, Sink&& sink) {
        const char16_t* s = text.utf16();
        const qsizetype n = text.size();
        int position = 0;
        qsizetype i = 0;
        while (i < n) {
            int len = 1;
            char32_t cp = s[i];
            Kind kind;
            if (cp < 0x80) {
                kind = kAsciiKinds[cp];
            } else {
                cp = decode(s, n, i, len);
                kind = kindOf(cp);
            }
            if (kind == Kind::None || kind == Kind::Ignorable) {
                i += len;
                continue;
            }
            if (kind == Kind::Unspaced) {
                i = bigramRun(s, n, i, position, sink);
                continue;
            }
            const qsizetype start = i;
            bool ascii = true;
            bool hasDigit = false;
            for (;;) { // s[i] (cp, kind, len) belongs to the token
                ascii = ascii && cp < 0x80;
                hasDigit = hasDigit || kind == Kind::Digit;
                i += len;
                if (i >= n)
                    break;
                cp = s[i];
                if (cp < 0x80) {
                    len = 1;
                    kind = kAsciiKinds[cp];
                } else {
                    cp = decode(s, n, i, len);
                    kind = kindOf(cp);
                }
                if (kind == Kind::Letter || kind == Kind::Digit || kind == Kind::Mark ||
                    kind == Kind::Ignorable)
                    continue;
                // An apostrophe joins when a letter follows it (a letter, digit, mark or
                // ignorable is always before it here).
                if ((cp == u'\'' || cp == 0x2019) && i + 1 < n) {
                    int nextLen = 1;
                    const char32_t next = decode(s, n, i + 1, nextLen);
                    if (kindOf(next) == Kind::Letter) {
                        ascii = ascii && cp < 0x80;
                        i += 1;
                        cp = next;
                        kind = Kind::Letter;
                        len = nextLen;
                        continue;
                    }
                }
                break;
            }
            qsizetype wordEnd = i;
            if (wordEnd - start >= 3 && (s[wordEnd - 1] == u's' || s[wordEnd - 1] == u'S') &&
                (s[wordEnd - 2] == u'\'' || s[wordEnd - 2] == 0x2019))
                wordEnd -= 2; // the possessive "'s"
            const int pos = position++;
            const std::string_view term = termOf(s + start, wordEnd - start, ascii, hasDigit);
            if (!term.empty())
                sink(term, pos, start, i - start);
        }
        return position;
    }

    // Emits the bigrams of the unspaced run starting at s[i]; returns where the run ends.
    template <class Sink>
    qsizetype bigramRun(const char16_t* s, qsizetype n, qsizetype i, int& position, Sink& sink) {
        units.clear();
        while (i < n) {
            int len = 1;
            const char32_t cp = decode(s, n, i, len);
            const Kind kind = kindOf(cp);
            if (kind == Kind::Unspaced)
                units.emplace_back(i, i + len);
            else if (kind == Kind::Mark)
                units.back().second = i + len; // a mark belongs to the character before it
            else
                break;
            i += len;
        }
        if (units.size() == 1) {
            const auto [start, end] = units.front();
            sink(bigramTerm(s + start, end - start), position++, start, end - start);
            return i;
        }
        for (std::size_t u = 0; u + 1 < units.size(); ++u) {
            const qsizetype start = units[u].first;
            const qsizetype end = units[u + 1].second;
            sink(bigramTerm(s + start, end - start), position++, start, end - start);
        }
        return i;
    }
};

TextAnalyzer::TextAnalyzer(const QString& language)
    : d(std::make_unique<Impl>()) {
    d->language = language;
    if (language == QLatin1String("none"))
        return;
    const QByteArray name = language.toUtf8();
    bool known = false;
    for (const char** algorithm = sb_stemmer_list(); *algorithm && !known; ++algorithm)
        known = std::strcmp(*algorithm, name.constData()) == 0;
    if (!known)
        throw std::invalid_argument("TextAnalyzer: no Snowball stemmer for the language \"" +
                                    name.toStdString() + "\"");
    d->stemmer = sb_stemmer_new(name.constData(), nullptr);
    if (!d->stemmer)
        throw std::bad_alloc();
    d->englishStopWords = language == QLatin1String("english");
}

TextAnalyzer::~TextAnalyzer() = default;

const QString& TextAnalyzer::language() const {
    return d->language;
}

QString TextAnalyzer::version() {
    // Our rules are versioned by hand; the stemmers, the stop list and Qt's Unicode tables by a
    // fingerprint, so that a new libstemmer or Qt on the same index rebuilds it.
    static const QString version = [] {
        std::uint64_t h = 14695981039346656037ULL; // FNV-1a
        const auto mix = [&h](std::string_view bytes) {
            for (const char c : bytes) {
                h ^= static_cast<unsigned char>(c);
                h *= 1099511628211ULL;
            }
            h ^= 0xFF; // a separator, so that "ab","c" and "a","bc" differ
            h *= 1099511628211ULL;
        };
        mix(std::to_string(static_cast<int>(QChar::currentUnicodeVersion())));
        for (const std::string_view word : englishStopWords())
            mix(word);
        static constexpr std::string_view kProbes[] = {
            "running",         "generously",   "expeditions",  "nationalization", "happiness",
            "universities",    "o'neill's",    "häuser",       "laufenden",       "nationales",
            "continuellement", "habitaciones", "cantando",     "bellissimi",      "книгами",
            "читающий",        "kirjoissamme", "evlerimizden", "γυναικών",        "rädslornas"};
        for (const char** algorithm = sb_stemmer_list(); *algorithm; ++algorithm) {
            mix(*algorithm);
            sb_stemmer* stemmer = sb_stemmer_new(*algorithm, nullptr);
            if (!stemmer)
                continue;
            for (const std::string_view probe : kProbes) {
                const sb_symbol* stem =
                    sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(probe.data()),
                                    static_cast<int>(probe.size()));
                if (stem)
                    mix({reinterpret_cast<const char*>(stem),
                         static_cast<std::size_t>(sb_stemmer_length(stemmer))});
            }
            sb_stemmer_delete(stemmer);
        }
        return QStringLiteral("%1-%2").arg(kRulesVersion).arg(h, 16, 16, QLatin1Char('0'));
    }();
    return version;
}

int TextAnalyzer::analyze(QStringView text, std::vector<std::pair<std::string_view, int>>& out) {
    return d->run(text, [&out](std::string_view t, int position, qsizetype, qsizetype) {
        out.emplace_back(t, position);
    });
}

std::vector<AnalyzedToken> TextAnalyzer::tokens(QStringView text) {
    std::vector<AnalyzedToken> out;
    d->run(text, [&out](std::string_view t, int position, qsizetype start, qsizetype length) {
        out.push_back(
            {std::string(t), position, static_cast<int>(start), static_cast<int>(length)});
    });
    return out;
}

std::string TextAnalyzer::term(QStringView word) {
    std::string found;
    int kept = 0;
    const int positions = d->run(word, [&](std::string_view t, int, qsizetype, qsizetype) {
        found = t;
        ++kept;
    });
    return positions == 1 && kept == 1 ? found : std::string();
}

} // namespace quiver
