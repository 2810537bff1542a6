#include "core/search/bm25_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace quiver {

namespace {

// Title positions live above every body position, so one position list serves both fields and
// a phrase never spans them.
constexpr std::uint32_t kTitleBase = 1u << 30;

void putVarint(std::vector<std::uint8_t>& out, std::uint32_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

// Streams are validated when they are built or read, so decoding needs no bounds checks.
std::uint32_t getVarint(const std::uint8_t*& p) {
    std::uint32_t v = 0;
    for (int shift = 0;; shift += 7) {
        const std::uint8_t byte = *p++;
        v |= static_cast<std::uint32_t>(byte & 0x7f) << shift;
        if (byte < 0x80)
            return v;
    }
}

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Term {
    std::uint32_t df = 0; // postings stored, removed chunks included
    std::uint32_t lastSlot = 0;
    std::vector<std::uint8_t> postings;  // per posting: slot gap, body tf, title tf
    std::vector<std::uint8_t> positions; // per posting: its tf positions, as gaps
};

// Walks one term's postings; positions() reads the current posting's positions, and must be
// called for every posting or none.
class Cursor {
public:
    explicit Cursor(const Term& t)
        : m_p(t.postings.data())
        , m_end(t.postings.data() + t.postings.size())
        , m_pos(t.positions.data()) {}

    bool next() {
        if (m_p == m_end)
            return false;
        slot += getVarint(m_p);
        bodyTf = getVarint(m_p);
        titleTf = getVarint(m_p);
        return true;
    }
    void positions(std::vector<std::uint32_t>& out) {
        std::uint32_t at = 0;
        for (std::uint32_t i = 0; i < bodyTf; ++i)
            out.push_back(at += getVarint(m_pos));
        at = kTitleBase;
        for (std::uint32_t i = 0; i < titleTf; ++i)
            out.push_back(at += getVarint(m_pos));
    }

    std::uint32_t slot = 0;
    std::uint32_t bodyTf = 0;
    std::uint32_t titleTf = 0;

private:
    const std::uint8_t* m_p;
    const std::uint8_t* m_end;
    const std::uint8_t* m_pos;
};

// Scratch space of one searching thread, reset after each query through the touched list.
struct Scratch {
    std::vector<float> score;
    std::vector<std::uint64_t> matched;
    std::vector<std::uint32_t> touched;
};

using SlotList = std::vector<std::uint32_t>; // sorted

bool holds(const SlotList& list, std::uint32_t slot) {
    return std::binary_search(list.begin(), list.end(), slot);
}

// FNV-1a, 64 bits: damage detection for the file form, not a defence against tampering.
std::uint64_t fnv1a(const char* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(data[i]);
        h *= 0x100000001b3ULL;
    }
    return h;
}

constexpr char kMagic[8] = {'Q', 'V', 'B', 'M', '2', '5', '\r', '\n'};
constexpr std::uint32_t kFormat = 1;

class Writer {
public:
    explicit Writer(std::string& out)
        : m_out(out) {}
    void bytes(const void* data, std::size_t n) {
        m_hash = fnv1a(static_cast<const char*>(data), n, m_hash);
        m_out.append(static_cast<const char*>(data), n);
    }
    void u64(std::uint64_t v) {
        char b[8];
        for (int i = 0; i < 8; ++i)
            b[i] = static_cast<char>(v >> (8 * i));
        bytes(b, 8);
    }
    void blob(const std::vector<std::uint8_t>& v) {
        u64(v.size());
        bytes(v.data(), v.size());
    }
    std::uint64_t hash() const { return m_hash; }

private:
    std::string& m_out;
    std::uint64_t m_hash = 0xcbf29ce484222325ULL;
};

class Reader {
public:
    Reader(const char* data, std::size_t size)
        : m_data(data)
        , m_size(size) {}
    void bytes(void* out, std::size_t n) {
        need(n);
        std::memcpy(out, m_data + m_at, n);
        m_at += n;
    }
    std::uint64_t u64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_data[m_at + i]))
                 << (8 * i);
        m_at += 8;
        return v;
    }
    std::uint64_t count(std::uint64_t elementBytes) {
        const std::uint64_t n = u64();
        if (elementBytes != 0 && n > (m_size - m_at) / elementBytes)
            throw std::runtime_error("keyword index file: a length runs past its end");
        return n;
    }
    void blob(std::vector<std::uint8_t>& v) {
        v.resize(count(1));
        bytes(v.data(), v.size());
    }
    std::string text() {
        std::string s(count(1), '\0');
        bytes(s.data(), s.size());
        return s;
    }
    bool atEnd() const { return m_at == m_size; }

private:
    void need(std::size_t n) const {
        if (n > m_size - m_at)
            throw std::runtime_error("keyword index file: truncated");
    }
    const char* m_data;
    std::size_t m_size;
    std::size_t m_at = 0;
};

} // namespace

struct Bm25Index::Impl {
    std::unordered_map<std::string, Term, StringHash, std::equal_to<>> terms;
    std::vector<std::int64_t> chunkIds;
    std::vector<std::int64_t> documentIds;
    std::vector<std::uint32_t> bodyLength;
    std::vector<std::uint32_t> titleLength;
    std::vector<std::uint8_t> removed;
    std::unordered_map<std::int64_t, std::uint32_t> slotOf;
    std::size_t live = 0;
    std::uint64_t liveBody = 0;
    std::uint64_t liveTitle = 0;

    std::uint32_t newSlot(std::int64_t chunkId, std::int64_t documentId, std::uint32_t titleLen,
                          std::uint32_t bodyLen) {
        const auto slot = static_cast<std::uint32_t>(chunkIds.size());
        chunkIds.push_back(chunkId);
        documentIds.push_back(documentId);
        bodyLength.push_back(bodyLen);
        titleLength.push_back(titleLen);
        removed.push_back(0);
        slotOf[chunkId] = slot;
        ++live;
        liveBody += bodyLen;
        liveTitle += titleLen;
        return slot;
    }

    Term& term(std::string_view text) {
        const auto it = terms.find(text);
        if (it != terms.end())
            return it->second;
        return terms.emplace(std::string(text), Term{}).first->second;
    }

    // Appends one posting: positions sorted within each field (body first).
    static void append(Term& t, std::uint32_t slot, std::span<const std::uint32_t> body,
                       std::span<const std::uint32_t> title) {
        putVarint(t.postings, slot - t.lastSlot);
        putVarint(t.postings, static_cast<std::uint32_t>(body.size()));
        putVarint(t.postings, static_cast<std::uint32_t>(title.size()));
        std::uint32_t at = 0;
        for (const std::uint32_t p : body) {
            putVarint(t.positions, p - at);
            at = p;
        }
        at = 0;
        for (const std::uint32_t p : title) {
            putVarint(t.positions, p - at);
            at = p;
        }
        t.lastSlot = slot;
        ++t.df;
    }

    // Slots (live, sorted) holding every term of the phrase at the phrase's relative positions.
    SlotList phraseSlots(const Bm25Query::Phrase& phrase) const {
        struct Occurrences {
            std::vector<std::uint32_t> slots;
            std::vector<std::size_t> begin; // into positions, one more than slots
            std::vector<std::uint32_t> positions;
            int offset = 0;
        };
        std::vector<Occurrences> per;
        per.reserve(phrase.size());
        for (const auto& [text, offset] : phrase) {
            const auto it = terms.find(text);
            if (it == terms.end())
                return {};
            Occurrences o;
            o.offset = offset;
            Cursor c(it->second);
            while (c.next()) {
                o.begin.push_back(o.positions.size());
                c.positions(o.positions);
                o.slots.push_back(c.slot);
            }
            o.begin.push_back(o.positions.size());
            per.push_back(std::move(o));
        }
        SlotList out;
        if (per.empty())
            return out;
        std::vector<std::size_t> at(per.size(), 0);
        for (std::size_t i = 0; i < per[0].slots.size(); ++i) {
            const std::uint32_t slot = per[0].slots[i];
            if (removed[slot])
                continue;
            bool all = true;
            for (std::size_t j = 1; j < per.size() && all; ++j) {
                auto& s = per[j].slots;
                at[j] = static_cast<std::size_t>(
                    std::lower_bound(s.begin() + static_cast<std::ptrdiff_t>(at[j]), s.end(),
                                     slot) -
                    s.begin());
                all = at[j] < s.size() && s[at[j]] == slot;
            }
            if (!all)
                continue;
            const auto first = per[0].positions.begin();
            for (auto p = first + static_cast<std::ptrdiff_t>(per[0].begin[i]);
                 p != first + static_cast<std::ptrdiff_t>(per[0].begin[i + 1]); ++p) {
                const std::int64_t start = static_cast<std::int64_t>(*p) - per[0].offset;
                bool match = true;
                for (std::size_t j = 1; j < per.size() && match; ++j) {
                    const Occurrences& o = per[j];
                    const auto b =
                        o.positions.begin() + static_cast<std::ptrdiff_t>(o.begin[at[j]]);
                    const auto e =
                        o.positions.begin() + static_cast<std::ptrdiff_t>(o.begin[at[j] + 1]);
                    const std::int64_t want = start + o.offset;
                    match = want >= 0 && std::binary_search(b, e, static_cast<std::uint32_t>(want));
                }
                if (match) {
                    out.push_back(slot);
                    break;
                }
            }
        }
        return out;
    }

    // Live slots holding the term (none when the index has no such term).
    SlotList termSlots(const std::string& text) const {
        SlotList out;
        const auto it = terms.find(text);
        if (it == terms.end())
            return out;
        Cursor c(it->second);
        while (c.next()) {
            if (!removed[c.slot])
                out.push_back(c.slot);
        }
        return out;
    }

    // Checks one term's streams decode exactly to its df postings, in slot order, inside
    // the slot range; the search path relies on it.
    void validate(const Term& t) const {
        const std::uint8_t* p = t.postings.data();
        const std::uint8_t* end = p + t.postings.size();
        const std::uint8_t* pos = t.positions.data();
        const std::uint8_t* posEnd = pos + t.positions.size();
        const auto varint = [](const std::uint8_t*& q, const std::uint8_t* e) {
            std::uint64_t v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (q == e)
                    throw std::runtime_error("keyword index file: a posting list is cut short");
                const std::uint8_t byte = *q++;
                v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
                if (byte < 0x80) {
                    if (v > 0xffffffffULL)
                        break;
                    return static_cast<std::uint32_t>(v);
                }
            }
            throw std::runtime_error("keyword index file: a malformed number");
        };
        std::uint64_t slot = 0;
        std::uint32_t n = 0;
        while (p != end) {
            const std::uint32_t gap = varint(p, end);
            if (n > 0 && gap == 0)
                throw std::runtime_error("keyword index file: postings out of order");
            slot += gap;
            if (slot >= chunkIds.size())
                throw std::runtime_error("keyword index file: a posting past the last chunk");
            const std::uint64_t tf = std::uint64_t{varint(p, end)} + std::uint64_t{varint(p, end)};
            if (tf == 0)
                throw std::runtime_error("keyword index file: an empty posting");
            for (std::uint64_t i = 0; i < tf; ++i)
                varint(pos, posEnd);
            ++n;
        }
        if (n != t.df || pos != posEnd || (n > 0 && slot != t.lastSlot))
            throw std::runtime_error("keyword index file: a posting list does not add up");
    }
};

Bm25Index::Bm25Index()
    : d(std::make_unique<Impl>()) {}
Bm25Index::~Bm25Index() = default;
Bm25Index::Bm25Index(Bm25Index&&) noexcept = default;
Bm25Index& Bm25Index::operator=(Bm25Index&&) noexcept = default;

void Bm25Index::add(std::int64_t chunkId, std::int64_t documentId, std::span<const TermAt> title,
                    int titleLength, std::span<const TermAt> body, int bodyLength) {
    remove(chunkId);
    const std::uint32_t slot =
        d->newSlot(chunkId, documentId, static_cast<std::uint32_t>(std::max(titleLength, 0)),
                   static_cast<std::uint32_t>(std::max(bodyLength, 0)));
    // (term, field, position), grouped by term; the field sorts body (0) before title (1).
    thread_local std::vector<std::tuple<std::string_view, int, std::uint32_t>> words;
    thread_local std::vector<std::uint32_t> bodyAt;
    thread_local std::vector<std::uint32_t> titleAt;
    words.clear();
    for (const auto& [term, position] : body)
        words.emplace_back(term, 0, static_cast<std::uint32_t>(std::max(position, 0)));
    for (const auto& [term, position] : title)
        words.emplace_back(term, 1, static_cast<std::uint32_t>(std::max(position, 0)));
    std::sort(words.begin(), words.end());
    for (std::size_t i = 0; i < words.size();) {
        const std::string_view text = std::get<0>(words[i]);
        bodyAt.clear();
        titleAt.clear();
        for (; i < words.size() && std::get<0>(words[i]) == text; ++i) {
            auto& list = std::get<1>(words[i]) == 0 ? bodyAt : titleAt;
            if (list.empty() || list.back() != std::get<2>(words[i]))
                list.push_back(std::get<2>(words[i]));
        }
        if (text.empty())
            continue;
        Impl::append(d->term(text), slot, bodyAt, titleAt);
    }
}

bool Bm25Index::remove(std::int64_t chunkId) {
    const auto it = d->slotOf.find(chunkId);
    if (it == d->slotOf.end())
        return false;
    const std::uint32_t slot = it->second;
    d->slotOf.erase(it);
    d->removed[slot] = 1;
    --d->live;
    d->liveBody -= d->bodyLength[slot];
    d->liveTitle -= d->titleLength[slot];
    return true;
}

bool Bm25Index::contains(std::int64_t chunkId) const {
    return d->slotOf.contains(chunkId);
}

std::size_t Bm25Index::size() const {
    return d->live;
}

std::size_t Bm25Index::removedSlots() const {
    return d->chunkIds.size() - d->live;
}

std::size_t Bm25Index::termCount() const {
    return d->terms.size();
}

std::size_t Bm25Index::memoryBytes() const {
    std::size_t bytes = d->chunkIds.capacity() * 16 + d->bodyLength.capacity() * 8 +
                        d->removed.capacity() + d->slotOf.size() * 32;
    for (const auto& [text, t] : d->terms)
        bytes +=
            sizeof(Term) + text.capacity() + 32 + t.postings.capacity() + t.positions.capacity();
    return bytes;
}

void Bm25Index::compact() {
    if (removedSlots() == 0)
        return;
    auto next = std::make_unique<Impl>();
    std::vector<std::uint32_t> renumber(d->chunkIds.size(), 0);
    for (std::uint32_t slot = 0; slot < d->chunkIds.size(); ++slot) {
        if (!d->removed[slot])
            renumber[slot] = next->newSlot(d->chunkIds[slot], d->documentIds[slot],
                                           d->titleLength[slot], d->bodyLength[slot]);
    }
    std::vector<std::uint32_t> positions;
    for (auto& [text, t] : d->terms) {
        Term kept;
        Cursor c(t);
        while (c.next()) {
            positions.clear();
            c.positions(positions);
            if (d->removed[c.slot])
                continue;
            const auto split = positions.begin() + c.bodyTf;
            std::vector<std::uint32_t> title(split, positions.end());
            for (std::uint32_t& p : title)
                p -= kTitleBase;
            Impl::append(kept, renumber[c.slot],
                         std::span<const std::uint32_t>(positions.data(), c.bodyTf), title);
        }
        if (kept.df > 0) {
            kept.postings.shrink_to_fit();
            kept.positions.shrink_to_fit();
            next->terms.emplace(text, std::move(kept));
        }
    }
    d = std::move(next);
}

std::vector<Bm25Hit> Bm25Index::search(const Bm25Query& query, std::size_t k,
                                       const Bm25Params& params,
                                       const std::function<bool(std::int64_t)>& allow) const {
    const Impl& x = *d;
    if (k == 0 || x.live == 0 || query.scored.empty())
        return {};
    // Constraints first: a required term or phrase that occurs nowhere leaves nothing.
    std::vector<SlotList> required;
    for (const std::string& t : query.required) {
        required.push_back(x.termSlots(t));
        if (required.back().empty())
            return {};
    }
    for (const auto& phrase : query.phrases) {
        required.push_back(x.phraseSlots(phrase));
        if (required.back().empty())
            return {};
    }
    std::vector<SlotList> excluded;
    for (const std::string& t : query.excluded)
        excluded.push_back(x.termSlots(t));
    for (const auto& phrase : query.excludedPhrases)
        excluded.push_back(x.phraseSlots(phrase));

    thread_local Scratch scratch;
    Scratch& s = scratch;
    if (s.score.size() < x.chunkIds.size()) {
        s.score.resize(x.chunkIds.size(), 0.0f);
        s.matched.resize(x.chunkIds.size(), 0);
    }
    s.touched.clear();
    const double n = static_cast<double>(x.live);
    const double w = params.titleWeight;
    const double avgLength =
        std::max((static_cast<double>(x.liveBody) + w * static_cast<double>(x.liveTitle)) / n, 1.0);
    const double k1 = params.k1;
    const double b = params.b;
    for (std::size_t i = 0; i < query.scored.size(); ++i) {
        const auto it = x.terms.find(query.scored[i]);
        if (it == x.terms.end())
            continue;
        const double df = std::min<double>(it->second.df, n);
        const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5)) *
                           (i < query.repeats.size() ? query.repeats[i] : 1.0);
        const std::uint64_t bit = i < 64 ? std::uint64_t{1} << i : 0;
        Cursor c(it->second);
        while (c.next()) {
            const std::uint32_t slot = c.slot;
            if (x.removed[slot])
                continue;
            const double tf = c.bodyTf + w * c.titleTf;
            if (tf <= 0.0)
                continue; // a title-only match while titles weigh nothing
            const double length = x.bodyLength[slot] + w * x.titleLength[slot];
            const double norm = k1 * (1.0 - b + b * length / avgLength);
            const auto add = static_cast<float>(idf * tf * (k1 + 1.0) / (tf + norm));
            if (s.score[slot] == 0.0f)
                s.touched.push_back(slot);
            s.score[slot] += add;
            s.matched[slot] |= bit;
        }
    }

    std::vector<Bm25Hit> hits;
    for (const std::uint32_t slot : s.touched) {
        bool keep = true;
        for (const SlotList& r : required)
            keep = keep && holds(r, slot);
        for (const SlotList& e : excluded)
            keep = keep && !holds(e, slot);
        if (keep && allow)
            keep = allow(x.documentIds[slot]);
        if (keep)
            hits.push_back({x.chunkIds[slot], x.documentIds[slot],
                            static_cast<double>(s.score[slot]), s.matched[slot]});
        s.score[slot] = 0.0f;
        s.matched[slot] = 0;
    }
    const auto better = [](const Bm25Hit& x1, const Bm25Hit& x2) {
        return x1.score > x2.score || (x1.score == x2.score && x1.chunkId < x2.chunkId);
    };
    if (hits.size() > k) {
        std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(k), hits.end(),
                         better);
        hits.resize(k);
    }
    std::sort(hits.begin(), hits.end(), better);
    return hits;
}

void Bm25Index::write(std::string& out) const {
    Writer w(out);
    w.bytes(kMagic, sizeof kMagic);
    w.u64(kFormat);
    const std::uint64_t slots = d->chunkIds.size();
    w.u64(slots);
    for (std::uint64_t i = 0; i < slots; ++i) {
        w.u64(static_cast<std::uint64_t>(d->chunkIds[i]));
        w.u64(static_cast<std::uint64_t>(d->documentIds[i]));
        w.u64(d->bodyLength[i]);
        w.u64(d->titleLength[i]);
        w.u64(d->removed[i]);
    }
    w.u64(d->terms.size());
    for (const auto& [text, t] : d->terms) {
        w.u64(text.size());
        w.bytes(text.data(), text.size());
        w.u64(t.df);
        w.u64(t.lastSlot);
        w.blob(t.postings);
        w.blob(t.positions);
    }
    const std::uint64_t sum = w.hash();
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>(sum >> (8 * i)));
}

Bm25Index Bm25Index::read(std::string_view all) {
    if (all.size() < sizeof kMagic + 16 || std::memcmp(all.data(), kMagic, sizeof kMagic) != 0)
        throw std::runtime_error("keyword index file: not a keyword index");
    const std::size_t body = all.size() - 8;
    std::uint64_t stored = 0;
    for (int i = 0; i < 8; ++i)
        stored |= static_cast<std::uint64_t>(static_cast<unsigned char>(all[body + i])) << (8 * i);
    if (fnv1a(all.data(), body) != stored)
        throw std::runtime_error("keyword index file: checksum mismatch (the file is damaged)");
    Reader r(all.data(), body);
    char magic[sizeof kMagic];
    r.bytes(magic, sizeof magic);
    if (r.u64() != kFormat)
        throw std::runtime_error("keyword index file: another format version");
    Bm25Index index;
    Impl& x = *index.d;
    const std::uint64_t slots = r.count(40);
    if (slots >= kTitleBase)
        throw std::runtime_error("keyword index file: too many chunks");
    for (std::uint64_t i = 0; i < slots; ++i) {
        const auto chunk = static_cast<std::int64_t>(r.u64());
        const auto document = static_cast<std::int64_t>(r.u64());
        const std::uint64_t bodyLen = r.u64();
        const std::uint64_t titleLen = r.u64();
        const std::uint64_t gone = r.u64();
        if (bodyLen > 0xffffffffULL || titleLen > 0xffffffffULL || gone > 1)
            throw std::runtime_error("keyword index file: a malformed chunk entry");
        const std::uint32_t slot = x.newSlot(chunk, document, static_cast<std::uint32_t>(titleLen),
                                             static_cast<std::uint32_t>(bodyLen));
        if (gone) {
            x.removed[slot] = 1;
            x.slotOf.erase(chunk);
            --x.live;
            x.liveBody -= bodyLen;
            x.liveTitle -= titleLen;
        }
    }
    const std::uint64_t termCount = r.count(8 * 5);
    x.terms.reserve(termCount);
    for (std::uint64_t i = 0; i < termCount; ++i) {
        std::string text = r.text();
        Term t;
        const std::uint64_t df = r.u64();
        const std::uint64_t lastSlot = r.u64();
        if (df > slots || lastSlot >= std::max<std::uint64_t>(slots, 1))
            throw std::runtime_error("keyword index file: a malformed term entry");
        t.df = static_cast<std::uint32_t>(df);
        t.lastSlot = static_cast<std::uint32_t>(lastSlot);
        r.blob(t.postings);
        r.blob(t.positions);
        x.validate(t);
        if (!x.terms.emplace(std::move(text), std::move(t)).second)
            throw std::runtime_error("keyword index file: a term stored twice");
    }
    if (!r.atEnd())
        throw std::runtime_error("keyword index file: trailing bytes");
    return index;
}

} // namespace quiver
