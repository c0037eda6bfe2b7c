/*
 * Compiled inner loops of the n-gram classifiers (module genguard.detect.classifier._kernels).
 *
 * Why: the numpy path (detector._keyed_window_tokens, TextModel.proba_windows) issues a few
 * dozen array operations per text, each 10-50 us, plus a regex pass and a dict lookup per word;
 * on a 7 KB corpus document that is ~2 ms, most of a full corpus scan's time. These functions do
 * the same work in one pass each over the text and its tokens. They compute exactly what the
 * numpy path computes (tests/classifier/test_kernels*.py pin them against each other and against
 * the string reference path); the package falls back to numpy when the extension was not built
 * (it is optional in setup.py).
 *
 * The hash tables are classifier.keytable.KeyTable's slots, passed as buffers: 2**bits slots of
 * (int64 key, int64 value), key -1 = empty, Fibonacci hashing, linear probing. Key and value
 * share a slot so a probe reads one cache line (they were two arrays: two misses per n-gram).
 * Only the buffer protocol is used (no numpy C API), so the module builds against any numpy.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIB_MULT 0x9E3779B97F4A7C15ULL
#define TF_TABLE 64 /* window_logits: 1 + log k from a table below this count */

typedef struct {
    int64_t key;
    int64_t val;
} key_slot_t;

typedef struct {
    const key_slot_t *slots;
    int bits;
    uint64_t mask;
} table_t;

static inline uint64_t home_slot(const table_t *t, int64_t key) {
    return ((uint64_t)key * FIB_MULT) >> (64 - t->bits);
}

static int64_t table_probe(const table_t *t, uint64_t slot, int64_t key) {
    for (uint64_t probes = 0; probes < t->mask; probes++) { /* KeyTable keeps slots free; bounded anyway */
        slot = (slot + 1) & t->mask;
        int64_t held = t->slots[slot].key;
        if (held == key) return t->slots[slot].val;
        if (held == -1) return -1;
    }
    return -1;
}

/* The value of ``key``, -1 when absent, in a table of at least one bit. The home slot is looked
   at inline; a slot held by another key (rare: a KeyTable is at most half full) goes on probing
   out of line (table_probe), so the lookup inlined at every n-gram stays a few instructions. */
static inline int64_t table_get_filled(const table_t *t, int64_t key) {
    uint64_t slot = home_slot(t, key);
    int64_t held = t->slots[slot].key;
    if (held == key) return t->slots[slot].val;
    if (held == -1) return -1;
    return table_probe(t, slot, key);
}

/* table_get_filled for any table, an empty one (bits 0) included. */
static inline int64_t table_get(const table_t *t, int64_t key) {
    return t->bits <= 0 ? -1 : table_get_filled(t, key);
}

/* FNV-1a over code points, top bit cleared (KeyTable keys are non-negative). */
static inline uint64_t word_hash_step(uint64_t h, Py_UCS4 c) {
    h ^= (uint64_t)c;
    return h * 0x100000001B3ULL;
}
#define FNV_OFFSET 0xCBF29CE484222325ULL
#define HASH_MASK 0x7FFFFFFFFFFFFFFFULL

static inline int is_word_start(Py_UCS4 c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static inline int is_word_char(Py_UCS4 c) { return is_word_start(c) || c == '\'' || c == '_' || c == '-'; }

/* Checks a buffer's item size and returns its number of items (or -1 with an exception). */
static Py_ssize_t items(Py_buffer *b, Py_ssize_t itemsize, const char *what) {
    if (b->len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "%s: buffer of %zd bytes is not a whole number of %zd-byte items",
                     what, b->len, itemsize);
        return -1;
    }
    return b->len / itemsize;
}

static int table_from(Py_buffer *slots, int bits, table_t *t, const char *what) {
    Py_ssize_t n = items(slots, (Py_ssize_t)sizeof(key_slot_t), what);
    if (n < 0) return -1;
    if (bits < 0 || bits > 62 || n != ((Py_ssize_t)1 << bits)) {
        PyErr_Format(PyExc_ValueError, "%s: table arrays do not match 2**%d slots", what, bits);
        return -1;
    }
    t->slots = (const key_slot_t *)slots->buf;
    t->bits = bits;
    t->mask = ((uint64_t)1 << bits) - 1;
    return 0;
}

static PyObject *word_hash(PyObject *self, PyObject *args) {
    PyObject *s;
    if (!PyArg_ParseTuple(args, "U:word_hash", &s)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0) return NULL;
#endif
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < n; i++) h = word_hash_step(h, PyUnicode_READ(kind, data, i));
    return PyLong_FromLongLong((long long)(h & HASH_MASK));
}

/*
 * What a token's id is, for window_ids: the ids of character n-grams (char_min..char_max <= 3;
 * unigrams from the dense ``unigram`` array, clipped to its last entry; longer ones from the
 * gram table, keyed as in features.gram_keys) and, with ``words``, of word unigrams and
 * adjacent-word bigrams (words as features.WORD_PATTERN finds them; word id from the word table
 * by word_hash, the unknown id being n_wuni - 1; a unigram's id is word_uni[word id], a bigram's
 * is the pair table's value for a * n_wuni + b when both words are known). The ids are global
 * token ids (count_tokens: the GramIndex / WordIndex of every loaded model) or one model's
 * columns (score_windows: the same classes built on that model's vocabulary alone).
 */
typedef struct {
    int char_min, char_max, words;
    const int64_t *unigram;
    Py_ssize_t n_uni;
    table_t grams, wtab, pairs;
    const int64_t *word_uni;
    int64_t n_wuni;
    const int32_t *ascii2, *ascii3; /* NULL, or the direct ASCII n-gram tables (ascii_from) */
} vocab_t;

/* The direct tables of the n-grams made only of ASCII characters (score_windows; see
   model_tables.ascii_tables): ``ascii2`` holds, for each ASCII pair (a, b) at entry
   2 * (a * 128 + b), the pair's id (-1 when unknown) and the row of ``ascii3`` that holds the
   ids of the trigrams (a, b, c) by c (row 0: all -1, for pairs no known trigram starts with).
   The hash table then holds only the n-grams with a character past ASCII. Why: a position of
   English text cost two hash probes (a multiply and a read of a 16-byte slot anywhere in a
   256 KB table, then a compare and branch on the slot's key) for its bigram and trigram; here
   it costs a read of a small, mostly cached table and one of the prefix's row. Empty buffers:
   no direct tables, every n-gram from the hash table. Returns -1 with an exception on bad
   shapes or a row past ascii3. */
#define ASCII_PAIRS (128 * 128)
static int ascii_from(vocab_t *v, Py_buffer *a2, Py_buffer *a3) {
    v->ascii2 = v->ascii3 = NULL;
    Py_ssize_t n2 = items(a2, 4, "ascii pairs"), n3 = items(a3, 4, "ascii trigrams");
    if (n2 < 0 || n3 < 0) return -1;
    if (n2 == 0 && n3 == 0) return 0;
    if (n2 != 2 * ASCII_PAIRS || n3 < 128 || n3 % 128 != 0) {
        PyErr_SetString(PyExc_ValueError, "ascii tables: 2 * 128 * 128 pair entries and whole rows of 128 trigrams");
        return -1;
    }
    const int32_t *pairs = (const int32_t *)a2->buf, *tri = (const int32_t *)a3->buf;
    for (Py_ssize_t i = 0; i < ASCII_PAIRS; i++) {
        if (pairs[2 * i + 1] < 0 || pairs[2 * i + 1] >= n3 / 128) {
            PyErr_SetString(PyExc_ValueError, "ascii tables: a pair's trigram row lies past the rows");
            return -1;
        }
    }
    for (Py_ssize_t c = 0; c < 128; c++) {
        if (tri[c] != -1) {
            PyErr_SetString(PyExc_ValueError, "ascii tables: trigram row 0 must be all -1");
            return -1;
        }
    }
    v->ascii2 = pairs;
    v->ascii3 = tri;
    return 0;
}

static int vocab_from(vocab_t *v, int char_min, int char_max, Py_buffer *uni, Py_buffer *gs, int gbits, int words,
                      Py_buffer *ws, int wbits, Py_buffer *wuni, Py_buffer *ps, int pbits) {
    Py_ssize_t n_uni = items(uni, 8, "uni"), n_wuni = items(wuni, 8, "word_uni");
    if (n_uni < 0 || n_wuni < 0) return -1;
    if (table_from(gs, gbits, &v->grams, "gram table") < 0) return -1;
    if (table_from(ws, wbits, &v->wtab, "word table") < 0) return -1;
    if (table_from(ps, pbits, &v->pairs, "pair table") < 0) return -1;
    if (char_min < 1 || char_max > 3 || n_uni < 1 || n_wuni < 1) {
        PyErr_SetString(PyExc_ValueError, "n-grams must lie in 1..3 and the id arrays be non-empty");
        return -1;
    }
    v->char_min = char_min;
    v->char_max = char_max;
    v->words = words;
    v->unigram = (const int64_t *)uni->buf;
    v->n_uni = n_uni;
    v->word_uni = (const int64_t *)wuni->buf;
    v->n_wuni = n_wuni;
    v->ascii2 = v->ascii3 = NULL;
    return 0;
}

#define MAX_WINDOW ((Py_ssize_t)(UINT32_MAX / 8)) /* characters: 5 entries each fit count_slot_t.out */

/* Checks the windows' lengths (int64, each at most MAX_WINDOW) against the joined text's length. */
static int check_lens(const int64_t *wlen, Py_ssize_t n_win, Py_ssize_t total) {
    Py_ssize_t sum = 0;
    for (Py_ssize_t w = 0; w < n_win; w++) {
        if (wlen[w] < 0) { PyErr_SetString(PyExc_ValueError, "negative window length"); return -1; }
        if (wlen[w] > MAX_WINDOW) { PyErr_SetString(PyExc_ValueError, "a window is too long"); return -1; }
        sum += wlen[w];
    }
    if (sum != total) {
        PyErr_SetString(PyExc_ValueError, "window lengths do not add up to the text's length");
        return -1;
    }
    return 0;
}

/* One slot of count_ids' map from token id to its output entry: the three fields in one
   12-byte slot, so a probe touches one cache line (they were three arrays). ``out`` is the
   entry's offset from the window's first entry (below 5 * window length + 1, checked). */
typedef struct {
    int32_t id;
    uint32_t stamp; /* the window (+ 1) that took the slot; any other value: free */
    uint32_t out;
} count_slot_t;

/* window_ids' and count_ids' working memory, grown to the longest window met, reused for the next. */
typedef struct {
    Py_UCS4 *cp; /* the window's code points */
    Py_ssize_t cp_cap;
    int64_t *tok;
    Py_ssize_t tok_cap;
    count_slot_t *slot;
    Py_ssize_t slot_cap;
    uint32_t stamp;
} scratch_t;

static void scratch_free(scratch_t *s) {
    free(s->cp);
    free(s->tok);
    free(s->slot);
}

/* Grows the scratch's buffers to ``cap`` tokens and a window of ``len`` characters; -1 when
   memory ran out. */
static int scratch_grow(scratch_t *s, Py_ssize_t cap, Py_ssize_t len) {
    if (len + 3 > s->cp_cap) {
        Py_UCS4 *c = (Py_UCS4 *)realloc(s->cp, (size_t)(len + 3) * sizeof(Py_UCS4));
        if (!c) return -1;
        s->cp = c;
        s->cp_cap = len + 3;
    }
    if (cap <= s->tok_cap) return 0;
    int64_t *a = (int64_t *)realloc(s->tok, (size_t)cap * sizeof(int64_t));
    if (!a) return -1;
    s->tok = a;
    s->tok_cap = cap;
    return 0;
}

/* How many positions ahead window_ids prefetches the gram-table slots of a position's n-grams,
   and the smallest table (2**PF_MIN_BITS slots of 16 bytes) it does so for: a smaller one stays
   in L2, where the prefetches only cost a second hash of every n-gram (toxicity_en's 2**14-slot
   table: its score_windows took ~5 % less time without them). */
#define PF_GRAM 8
#define PF_MIN_BITS 16

static inline int64_t gram_key_at(const Py_UCS4 *cp, Py_ssize_t i, int n) {
    return n == 2 ? (((int64_t)cp[i] + 1) << 21) | cp[i + 1]
                  : (((int64_t)cp[i] + 1) << 42) | ((int64_t)cp[i + 1] << 21) | cp[i + 2];
}

/* Appends ``id_`` to tok when it is known (>= 0), without a branch on it: whether a character
   n-gram is known is a coin toss the branch predictor keeps losing. tok has room for it. */
#define APPEND_ID(id_)                   \
    do {                                 \
        int64_t x_ = (id_);              \
        tok[n_id] = x_;                  \
        n_id += x_ >= 0;                 \
    } while (0)

/* The ids of one window's tokens (text[start:start + len]) in order - n-grams by position (n
   inner), then each word and the bigram it closes - into s->tok, ids < 0 dropped. Returns their
   number, or -1 when memory ran out. The window is first copied out as code points, so the loops
   below read an array instead of dispatching on the string's kind at every character (that was
   a third of the time), and each position's gram-table slots are prefetched PF_GRAM positions
   ahead of their lookup, which hides most of the table's cache misses. A position's trigram key
   extends its bigram key (the same value gram_key_at gives), and which n-grams a model has is
   decided once per window, not per n-gram: the per-n loop and its tests were a fifth of the
   instructions. */
static Py_ssize_t window_ids(const vocab_t *v, scratch_t *s, int kind, const void *data, Py_ssize_t start,
                             Py_ssize_t len) {
    if (scratch_grow(s, 5 * len + 64, len) < 0) return -1; /* 3 n-grams, a word and a bigram per character */
    Py_UCS4 *const cp = s->cp;
    if (kind == PyUnicode_1BYTE_KIND)
        for (Py_ssize_t i = 0; i < len; i++) cp[i] = ((const Py_UCS1 *)data)[start + i];
    else if (kind == PyUnicode_2BYTE_KIND)
        for (Py_ssize_t i = 0; i < len; i++) cp[i] = ((const Py_UCS2 *)data)[start + i];
    else
        memcpy(cp, (const Py_UCS4 *)data + start, (size_t)len * sizeof(Py_UCS4));
    int64_t *const tok = s->tok;
    Py_ssize_t n_id = 0;
    const table_t *const grams = &v->grams;
    /* an empty gram table (bits 0) answers -1 for every n-gram: none is appended */
    const int uni = v->char_min == 1, bi = grams->bits > 0 && v->char_min <= 2 && v->char_max >= 2,
              tri = grams->bits > 0 && v->char_max >= 3;
    const int64_t *const unigram = v->unigram;
    const int64_t ulast = (int64_t)v->n_uni - 1;
    const int pf = grams->bits >= PF_MIN_BITS && v->char_max >= 2;
    /* the hashed n-grams starting at position p_: their slots are fetched into the cache (a macro:
       GCC drops a helper function made only of prefetches, as one without effects) */
#define PREFETCH_GRAMS(p_)                                                                         \
    do {                                                                                           \
        Py_ssize_t q_ = (p_);                                                                      \
        if (q_ + 2 <= len) {                                                                       \
            int64_t k_ = (((int64_t)cp[q_] + 1) << 21) | cp[q_ + 1];                               \
            if (bi) __builtin_prefetch(grams->slots + home_slot(grams, k_));                       \
            if (tri && q_ + 3 <= len)                                                              \
                __builtin_prefetch(grams->slots + home_slot(grams, (k_ << 21) | cp[q_ + 2]));      \
        }                                                                                          \
    } while (0)
    if (pf)
        for (Py_ssize_t i = 0; i < len && i < PF_GRAM; i++) PREFETCH_GRAMS(i);
    const int32_t *const ascii2 = v->ascii2, *const ascii3 = v->ascii3;
    for (Py_ssize_t i = 0; i < len; i++) {
        if (pf) PREFETCH_GRAMS(i + PF_GRAM);
        const int64_t c0 = (int64_t)cp[i];
        if (uni) APPEND_ID(unigram[c0 < ulast ? c0 : ulast]);
        if (i + 2 > len) continue;
        const Py_UCS4 c1 = cp[i + 1];
        const int64_t k2 = ((c0 + 1) << 21) | c1;
        if (ascii2 && (c0 | c1) < 128) { /* the direct tables; the hash table only for a third char past ASCII */
            const int32_t *e = ascii2 + 2 * (c0 * 128 + c1);
            if (bi) APPEND_ID(e[0]);
            if (tri && i + 3 <= len) {
                const Py_UCS4 c2 = cp[i + 2];
                APPEND_ID(c2 < 128 ? ascii3[(Py_ssize_t)e[1] * 128 + c2] : table_get_filled(grams, (k2 << 21) | c2));
            }
            continue;
        }
        if (bi) APPEND_ID(table_get_filled(grams, k2));
        if (tri && i + 3 <= len) APPEND_ID(table_get_filled(grams, (k2 << 21) | cp[i + 2]));
    }
#undef PREFETCH_GRAMS
    if (v->words) {
        const int64_t unknown = v->n_wuni - 1;
        int64_t prev = -1; /* word id of the previous word in this window, -1 before the first */
        Py_ssize_t i = 0;
        while (i < len) {
            Py_UCS4 c = cp[i];
            if (!is_word_start(c)) { i++; continue; }
            uint64_t h = FNV_OFFSET;
            while (i < len && is_word_char(c = cp[i])) {
                h = word_hash_step(h, c);
                i++;
            }
            int64_t wid = table_get(&v->wtab, (int64_t)(h & HASH_MASK));
            if (wid < 0 || wid > unknown) wid = unknown; /* not indexed (or a table from elsewhere) */
            APPEND_ID(v->word_uni[wid]);
            if (prev >= 0 && prev != unknown && wid != unknown) APPEND_ID(table_get(&v->pairs, prev * v->n_wuni + wid));
            prev = wid;
        }
    }
    return n_id;
}
#undef APPEND_ID

/*
 * The distinct ids among the window's ``n_id`` ids in s->tok (window_ids) and their counts, in the
 * order they first occur: appended to out_id/out_cnt from entry ``first``. Returns the number of
 * entries written, -1 when memory ran out, or -2 for an id past int32 (a slot holds 32 bits; the
 * tables' values are the caller's arrays, so this is checked here). Counting goes through a small
 * open-addressing map (id -> output entry) sized to twice the window's known tokens, which keeps
 * it in L1 (sized for every possible token, it was 32 KB for a 160-character window); a slot
 * stamped with another window's number is free, so nothing is cleared between windows.
 */
static Py_ssize_t count_ids(scratch_t *s, Py_ssize_t n_id, int64_t *out_id, double *out_cnt, Py_ssize_t first) {
    int sbits = 1;
    while (((Py_ssize_t)1 << sbits) < 2 * n_id) sbits++;
    Py_ssize_t slots = (Py_ssize_t)1 << sbits;
    uint64_t smask = (uint64_t)slots - 1;
    if (slots > s->slot_cap) {
        free(s->slot);
        s->slot = (count_slot_t *)calloc((size_t)slots, sizeof(count_slot_t)); /* stamp 0: free */
        if (!s->slot) return -1;
        s->slot_cap = slots;
    }
    if (++s->stamp == 0) { /* wrapped: every slot free again */
        memset(s->slot, 0, (size_t)s->slot_cap * sizeof(count_slot_t));
        s->stamp = 1;
    }
    const uint32_t stamp = s->stamp;
    count_slot_t *const slot = s->slot;
    const int64_t *const ids = s->tok;
    Py_ssize_t n_out = first;
    for (Py_ssize_t t = 0; t < n_id; t++) {
        if ((uint64_t)ids[t] > INT32_MAX) return -2; /* count_slot_t holds 32 bits (ids are >= 0) */
        int32_t id = (int32_t)ids[t];
        count_slot_t *p = slot + (((uint64_t)id * FIB_MULT) >> (64 - sbits));
        while (p->stamp == stamp && p->id != id) p = slot + (((uint64_t)(p - slot) + 1) & smask);
        if (p->stamp != stamp) {
            p->stamp = stamp;
            p->id = id;
            p->out = (uint32_t)(n_out - first);
            out_id[n_out] = id;
            out_cnt[n_out] = 1.0;
            n_out++;
        } else {
            out_cnt[first + p->out] += 1.0;
        }
    }
    return n_out - first;
}

/* count_ids for the ids of one model's window: the same entries in the same order, but the map
   is an array indexed by column (``seen``: n_feat 16-bit counts, zero for every column between
   windows: window_row_n reads each entry's count and puts its slot back to zero), so an id costs
   one read and no branch on whether it is new. Why: hashing and probing were a third of the
   time of a small model's scoring. Why 16-bit counts reset by the reader instead of a (window
   stamp, count) pair per column: toxicity_en's 9,737 columns then take 19 KB, which stays in L1
   beside the window's tokens, where the stamped pairs (78 KB) competed with the n-gram and
   packed-column tables for L2; its score_windows took ~20 % less time on corpus text. A count
   fits: the caller takes this path only for windows of at most UINT16_MAX characters (a token
   occurs at most once per character). Returns the number of entries (their columns in out_id,
   in order of first occurrence), or -3 for an id that is no column. */
typedef uint16_t seen_t;

static Py_ssize_t count_columns(seen_t *seen, Py_ssize_t n_feat, const int64_t *ids, Py_ssize_t n_id,
                                int64_t *out_id) {
    Py_ssize_t n_out = 0;
    for (Py_ssize_t t = 0; t < n_id; t++) {
        int64_t c = ids[t];
        if ((uint64_t)c >= (uint64_t)n_feat) return -3;
        seen_t k = seen[c];
        seen[c] = (seen_t)(k + 1);
        out_id[n_out] = c; /* kept only when new: no branch on it */
        n_out += k == 0;
    }
    return n_out;
}

/* Raises the error of a failed window_ids / count_ids (``failed``: its negated result) and returns -1; 0 when none. */
static int count_failed(int failed) {
    if (failed == 1) PyErr_NoMemory();
    else if (failed == 2) PyErr_SetString(PyExc_ValueError, "a token id does not fit in 32 bits");
    return failed ? -1 : 0;
}

/*
 * count_tokens(text, lens, char_min, char_max, uni, gram_slots, gram_bits,
 *              words, word_slots, word_bits, word_uni, pair_slots, pair_bits)
 *   -> (gids: bytearray of int64, counts: bytearray of float64, starts: bytearray of int64)
 *
 * ``text`` is the windows' prepared texts joined; ``lens`` (int64) their lengths. Each window's
 * distinct global token ids and counts (window_ids with the tables of every loaded model, then
 * count_ids), windows in order: the numpy path's entries (np.unique over (window, id)), but not sorted by id
 * within a window - a sort cost more than all the rest, and nothing downstream needs it.
 * ``starts`` holds each window's first entry and, last, the number of entries (window w's entries
 * are starts[w] .. starts[w + 1] - 1) in place of a window index per entry: window_logits reads
 * only the windows a model scores, and there are a third fewer bytes to write and read.
 * The entries are written straight into the result bytearrays (sized for the most a text can
 * give, shrunk at the end), not copied there.
 */
static PyObject *count_tokens(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer lens, uni, gs, ws, wuni, ps;
    int char_min, char_max, gbits, words, wbits, pbits;
    if (!PyArg_ParseTuple(args, "Uy*iiy*y*ipy*iy*y*i:count_tokens", &text, &lens, &char_min, &char_max, &uni, &gs,
                          &gbits, &words, &ws, &wbits, &wuni, &ps, &pbits))
        return NULL;
    PyObject *result = NULL, *res_gid = NULL, *res_cnt = NULL, *res_starts = NULL;
    scratch_t scratch = {0};
    vocab_t vocab;
    Py_ssize_t n_out = 0;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) goto done; /* 3.12+: every str is ready */
#endif
    Py_ssize_t n_win = items(&lens, 8, "lens");
    if (n_win < 0) goto done;
    if (vocab_from(&vocab, char_min, char_max, &uni, &gs, gbits, words, &ws, wbits, &wuni, &ps, pbits) < 0) goto done;
    const int64_t *wlen = (const int64_t *)lens.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t total = PyUnicode_GET_LENGTH(text);
    if (check_lens(wlen, n_win, total) < 0) goto done;
    /* the results are written straight into bytearrays sized for the most entries the windows can
       give (at most 3 n-grams, one word and one bigram per character), shrunk at the end: no
       growing and no final copy of ~24 bytes per entry (a corpus document has ~10,000) */
    Py_ssize_t bound = 5 * total + n_win + 1;
    res_gid = PyByteArray_FromStringAndSize(NULL, bound * (Py_ssize_t)sizeof(int64_t));
    res_cnt = PyByteArray_FromStringAndSize(NULL, bound * (Py_ssize_t)sizeof(double));
    res_starts = PyByteArray_FromStringAndSize(NULL, (n_win + 1) * (Py_ssize_t)sizeof(int64_t));
    if (!res_gid || !res_cnt || !res_starts) goto done;
    int64_t *out_starts = (int64_t *)PyByteArray_AS_STRING(res_starts);
    int64_t *out_gid = (int64_t *)PyByteArray_AS_STRING(res_gid);
    double *out_cnt = (double *)PyByteArray_AS_STRING(res_cnt);
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t start = 0;
    for (Py_ssize_t w = 0; w < n_win; w++) {
        out_starts[w] = (int64_t)n_out;
        Py_ssize_t got = window_ids(&vocab, &scratch, kind, data, start, (Py_ssize_t)wlen[w]);
        if (got >= 0) got = count_ids(&scratch, got, out_gid, out_cnt, n_out);
        if (got < 0) { failed = (int)-got; break; }
        n_out += got;
        start += (Py_ssize_t)wlen[w];
    }
    Py_END_ALLOW_THREADS
    if (count_failed(failed) < 0) goto done;
    out_starts[n_win] = (int64_t)n_out;
    if (PyByteArray_Resize(res_gid, n_out * (Py_ssize_t)sizeof(int64_t)) < 0
        || PyByteArray_Resize(res_cnt, n_out * (Py_ssize_t)sizeof(double)) < 0)
        goto done;
    result = PyTuple_Pack(3, res_gid, res_cnt, res_starts);
done:
    Py_XDECREF(res_starts);
    Py_XDECREF(res_gid);
    Py_XDECREF(res_cnt);
    scratch_free(&scratch);
    PyBuffer_Release(&lens);
    PyBuffer_Release(&uni);
    PyBuffer_Release(&gs);
    PyBuffer_Release(&ws);
    PyBuffer_Release(&wuni);
    PyBuffer_Release(&ps);
    return result;
}

/* How far ahead of the token being summed window_row prefetches a token's column and its
   packed row (by the time the row is fetched, the column it needs is in the cache). */
#define PF_COLUMN 16
#define PF_ROW 8

/* A model's packed columns (kernels.pack_columns): per column, its idf (float64) and n_rows
   coefficients (float32) in ``stride`` bytes. */
typedef struct {
    const char *packed;
    Py_ssize_t stride, n_feat;
    int n_rows;
    double tf[TF_TABLE]; /* 1 + log k for small counts: the same values log() gives, computed once */
} logit_t;

static void logit_init(logit_t *l, const char *packed, Py_ssize_t stride, Py_ssize_t n_feat, int n_rows) {
    l->packed = packed;
    l->stride = stride;
    l->n_feat = n_feat;
    l->n_rows = n_rows;
    for (int k = 1; k < TF_TABLE; k++) l->tf[k] = 1.0 + log((double)k);
}

/* Column c's value for a token counted k times, (1 + log k) * idf, and (in *cr) its n_rows
   coefficients: what window_row and window_row_fixed add for each token. */
static inline double token_value(const logit_t *l, int64_t c, double k, const float **cr) {
    const char *row_p = l->packed + c * l->stride;
    double idf;
    memcpy(&idf, row_p, sizeof(double));
    *cr = (const float *)(row_p + 8);
    return (k >= 1.0 && k < TF_TABLE && k == (double)(int)k ? l->tf[(int)k] : 1.0 + log(k)) * idf;
}

/*
 * One window's row of z from its distinct tokens ids[lo:hi] and counts: for each token with a
 * column (col[id] when ``col`` is given - ids outside its n_cols entries have none - else the
 * id is the column), value = (1 + log count) * idf; the values are L2-normalised and
 * row[r] (zeroed by the caller) = sum of value * coefficient, added in the tokens' order.
 * Whole counts below TF_TABLE (nearly all of them) take 1 + log k from a table: log() was a
 * third of the time. Returns -1 when a column lies past the model's features, else 0.
 */
static int window_row(const logit_t *l, const int64_t *ids, const double *cnt, Py_ssize_t lo, Py_ssize_t hi,
                      const int32_t *col, Py_ssize_t n_cols, double *row) {
    double norm = 0.0;
    const int n_rows = l->n_rows;
    for (Py_ssize_t i = lo; i < hi; i++) {
        /* Prefetch the column of a token PF_COLUMN ahead and the packed row of one PF_ROW ahead.
           Why: the ids are known ahead, but their columns and rows lie anywhere in arrays of
           megabytes, and the kernel spent most of its time waiting for those two reads one after
           the other. Written out here: GCC drops a helper function made only of prefetches. */
        if (col) {
            if (i + PF_COLUMN < hi && ids[i + PF_COLUMN] >= 0 && ids[i + PF_COLUMN] < n_cols)
                __builtin_prefetch(col + ids[i + PF_COLUMN]);
            if (i + PF_ROW < hi && ids[i + PF_ROW] >= 0 && ids[i + PF_ROW] < n_cols) {
                int32_t ahead = col[ids[i + PF_ROW]];
                if (ahead >= 0 && ahead < l->n_feat) __builtin_prefetch(l->packed + (Py_ssize_t)ahead * l->stride);
            }
        } else if (i + PF_ROW < hi && ids[i + PF_ROW] >= 0 && ids[i + PF_ROW] < l->n_feat) {
            __builtin_prefetch(l->packed + (Py_ssize_t)ids[i + PF_ROW] * l->stride);
        }
        int64_t c = ids[i];
        if (col) {
            if (c < 0 || c >= n_cols) continue;
            c = col[c];
        }
        if (c < 0) continue;
        if (c >= l->n_feat) return -1;
        const float *cr;
        double v = token_value(l, c, cnt[i], &cr);
        norm += v * v;
        for (int r = 0; r < n_rows; r++) row[r] += v * (double)cr[r];
    }
    if (norm > 0) {
        double s = sqrt(norm);
        for (int r = 0; r < n_rows; r++) row[r] /= s;
    }
    return 0;
}

/* window_row for score_windows (no column map: the ids are columns) with the model's n_rows a
   constant N <= MAX_FIXED_ROWS: the same sums, added in the same order, but kept in registers
   instead of being stored to ``row`` after every token (with them in registers, toxicity_en's
   score_windows took ~11 % less time on corpus text). Called through window_row_n. */
#define MAX_FIXED_ROWS 16
static inline __attribute__((always_inline)) int window_row_fixed(const logit_t *l, const int64_t *ids,
                                                                  const double *cnt, seen_t *seen,
                                                                  Py_ssize_t n, double *row, const int N,
                                                                  const int FROM_SEEN) {
    double acc[MAX_FIXED_ROWS] = {0.0};
    double norm = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const float *cr;
        double v;
        int64_t c = ids[i];
        if (FROM_SEEN) { /* columns count_columns checked; counts in their slots, reset here */
            if (i + PF_ROW < n) __builtin_prefetch(l->packed + (Py_ssize_t)ids[i + PF_ROW] * l->stride);
            uint32_t k = seen[c]; /* >= 1 */
            seen[c] = 0; /* free for the next window */
            const char *row_p = l->packed + c * l->stride;
            double idf;
            memcpy(&idf, row_p, sizeof(double));
            cr = (const float *)(row_p + 8);
            v = (k < TF_TABLE ? l->tf[k] : 1.0 + log((double)k)) * idf; /* token_value's value for k */
        } else {
            if (i + PF_ROW < n && ids[i + PF_ROW] >= 0 && ids[i + PF_ROW] < l->n_feat)
                __builtin_prefetch(l->packed + (Py_ssize_t)ids[i + PF_ROW] * l->stride);
            if (c < 0) continue;
            if (c >= l->n_feat) return -1;
            v = token_value(l, c, cnt[i], &cr);
        }
        norm += v * v;
        for (int r = 0; r < N; r++) acc[r] += v * (double)cr[r];
    }
    if (norm > 0) {
        double s = sqrt(norm);
        for (int r = 0; r < N; r++) row[r] = acc[r] / s;
    } else {
        for (int r = 0; r < N; r++) row[r] = acc[r];
    }
    return 0;
}

/* window_row(l, ids, cnt, 0, n, NULL, 0, row) through window_row_fixed for models of up to
   MAX_FIXED_ROWS rows (a switch, so each N is compiled with its loops unrolled). With ``seen``,
   the entries are count_columns' (columns already checked against the model's features, each
   one's count in its slot, the same value token_value gives for it), so the same values are
   added in the same order, and every slot read is put back to zero for the next window; models
   of more rows then take window_row on the counts written out into ``cnt`` (room for n). */
static int window_row_n(const logit_t *l, const int64_t *ids, double *cnt, seen_t *seen, Py_ssize_t n,
                        double *row) {
    switch (l->n_rows) {
#define ROWS_CASE(N_)                                                                                   \
    case N_:                                                                                            \
        return seen ? window_row_fixed(l, ids, NULL, seen, n, row, N_, 1)                               \
                    : window_row_fixed(l, ids, cnt, NULL, n, row, N_, 0);
    ROWS_CASE(1) ROWS_CASE(2) ROWS_CASE(3) ROWS_CASE(4) ROWS_CASE(5) ROWS_CASE(6) ROWS_CASE(7) ROWS_CASE(8)
    ROWS_CASE(9) ROWS_CASE(10) ROWS_CASE(11) ROWS_CASE(12) ROWS_CASE(13) ROWS_CASE(14) ROWS_CASE(15) ROWS_CASE(16)
#undef ROWS_CASE
    default:
        if (seen)
            for (Py_ssize_t j = 0; j < n; j++) cnt[j] = (double)seen[ids[j]];
        if (seen)
            for (Py_ssize_t j = 0; j < n; j++) seen[ids[j]] = 0;
        return window_row(l, ids, cnt, 0, n, NULL, 0, row);
    }
}

/* Checks a packed column table against n_rows and a z of n_win x n_rows; -1 with an exception. */
static Py_ssize_t packed_features(Py_buffer *table, Py_ssize_t stride, int n_rows, Py_ssize_t n_z, const char *what) {
    if (n_rows < 1 || n_z % n_rows != 0 || stride < 8 + 4 * (Py_ssize_t)n_rows || stride % 8 != 0
        || table->len % stride != 0) {
        PyErr_Format(PyExc_ValueError, "%s: array lengths do not match", what);
        return -1;
    }
    return table->len / stride;
}

/* The scored mask (one byte per window, or empty for all): NULL for all, or -1 on a bad length. */
static int scored_mask(Py_buffer *scored, Py_ssize_t n_win, const unsigned char **only, const char *what) {
    if (scored->len != 0 && scored->len != n_win) {
        PyErr_Format(PyExc_ValueError, "%s: the scored mask needs one byte per window", what);
        return -1;
    }
    *only = scored->len ? (const unsigned char *)scored->buf : NULL;
    return 0;
}

/*
 * window_logits(gids, counts, starts, columns, table, stride, n_rows, z, scored) -> None
 *
 * TextModel.proba_windows before calibration, from count_tokens' entries: window w's tokens
 * (global id, count) are entries starts[w] .. starts[w + 1] - 1 (``starts``: int64, one more
 * than there are windows), a token's column is columns[id] (int32, -1 when absent) and each
 * window's row of z (n_win x n_rows, float64, zeroed by the caller) is window_row's. ``table``
 * packs each column's idf and coefficients (kernels.pack_columns), so a token costs two memory
 * reads (its column, its packed row) instead of three scattered ones. ``scored`` (one byte per
 * window, or empty for all) skips the windows whose byte is 0: their rows of z stay zero.
 *
 * Why window by window: a language-gated model scores a part of a mixed document's windows
 * (offensive_zh a third of a corpus document's tokens). With each window's range it never
 * touches the tokens of the windows it skips, nor a per-token window index. The sums are the
 * same, added in the same order, as a token-by-token pass over all of them.
 */
static PyObject *window_logits(PyObject *self, PyObject *args) {
    Py_buffer gids, counts, starts, cols, table, z, scored;
    int n_rows;
    Py_ssize_t stride;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*niw*y*:window_logits", &gids, &counts, &starts, &cols, &table, &stride,
                          &n_rows, &z, &scored))
        return NULL;
    PyObject *result = NULL;
    const unsigned char *only = NULL;
    Py_ssize_t n = items(&gids, 8, "gids"), nc = items(&counts, 8, "counts"), ns = items(&starts, 8, "starts");
    Py_ssize_t n_cols = items(&cols, 4, "columns"), n_z = items(&z, 8, "z");
    if (n < 0 || nc < 0 || ns < 0 || n_cols < 0 || n_z < 0) goto done;
    if (nc != n) {
        PyErr_SetString(PyExc_ValueError, "window_logits: array lengths do not match");
        goto done;
    }
    Py_ssize_t n_feat = packed_features(&table, stride, n_rows, n_z, "window_logits");
    if (n_feat < 0) goto done;
    Py_ssize_t n_win = n_z / n_rows;
    if (ns != n_win + 1) {
        PyErr_SetString(PyExc_ValueError, "window_logits: starts needs one entry per window and one more");
        goto done;
    }
    if (scored_mask(&scored, n_win, &only, "window_logits") < 0) goto done;
    const int64_t *g = (const int64_t *)gids.buf, *first = (const int64_t *)starts.buf;
    if (first[0] != 0 || first[n_win] != n) {
        PyErr_SetString(PyExc_ValueError, "window_logits: starts must run from 0 to the number of tokens");
        goto done;
    }
    for (Py_ssize_t w = 0; w < n_win; w++) {
        if (first[w + 1] < first[w]) {
            PyErr_SetString(PyExc_ValueError, "window_logits: starts must not decrease");
            goto done;
        }
    }
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    logit_t l;
    logit_init(&l, (const char *)table.buf, stride, n_feat, n_rows);
    for (Py_ssize_t w = 0; w < n_win && !bad; w++) {
        if (only && !only[w]) continue;
        bad = window_row(&l, g, (const double *)counts.buf, first[w], first[w + 1], (const int32_t *)cols.buf, n_cols,
                         (double *)z.buf + w * n_rows) < 0;
    }
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "window_logits: a column index exceeds the model's features");
        goto done;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&gids);
    PyBuffer_Release(&counts);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&cols);
    PyBuffer_Release(&table);
    PyBuffer_Release(&z);
    PyBuffer_Release(&scored);
    return result;
}

/*
 * score_windows(text, lens, scored, char_min, char_max, uni, gram_slots, gram_bits, words,
 *               word_slots, word_bits, word_uni, pair_slots, pair_bits, ascii_pairs, ascii_trigrams,
 *               table, stride, n_rows, z) -> None
 *
 * count_tokens then window_logits for one model in one pass, straight from the text: the tables
 * (as count_tokens takes them) map tokens to the model's own columns, not to global ids, and
 * ``table`` is the model's packed columns, ``ascii_pairs``/``ascii_trigrams`` its direct ASCII
 * n-gram tables (ascii_from; empty: none). Each window the mask scores is counted into a small
 * buffer and its row of z computed at once (window_row with the columns as ids).
 *
 * Why: count_tokens wrote ~24 bytes per distinct token of every window (47 MB for 2 MB of
 * text) that window_logits read again per model, and probed one table of the tokens of every
 * loaded model (megabytes; intent and injection never run on output text). A model's own tables
 * are a fraction of that (toxicity_en's fit in L2), a window's tokens stay in L1, and windows
 * the model does not score are never counted. The rows equal count_tokens + window_logits bit
 * for bit: a token has a column exactly when its global id has one, tokens with the same global
 * id share the column, so the columns come in the same order as the global ids they stand for
 * and the same values are added in the same order.
 */
/* Models of at most this many columns count a window's columns in an array indexed by column
   (count_columns: 512 KB at most), larger ones in count_ids' hash map, as do texts with a window
   longer than a 16-bit count can count. cold_zh (81,888 columns, a 164 KB array) scored corpus
   text in ~40 % less time this way than through the hash map. */
#define DIRECT_COLUMNS ((Py_ssize_t)1 << 18)

static PyObject *score_windows(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer lens, scored, uni, gs, ws, wuni, ps, a2, a3, table, z;
    int char_min, char_max, gbits, words, wbits, pbits, n_rows;
    Py_ssize_t stride;
    if (!PyArg_ParseTuple(args, "Uy*y*iiy*y*ipy*iy*y*iy*y*y*niw*:score_windows", &text, &lens, &scored, &char_min,
                          &char_max, &uni, &gs, &gbits, &words, &ws, &wbits, &wuni, &ps, &pbits, &a2, &a3, &table,
                          &stride, &n_rows, &z))
        return NULL;
    PyObject *result = NULL;
    scratch_t scratch = {0};
    int64_t *ids = NULL;
    double *cnt = NULL;
    seen_t *seen = NULL;
    const unsigned char *only = NULL;
    vocab_t vocab;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) goto done;
#endif
    Py_ssize_t n_win = items(&lens, 8, "lens"), n_z = items(&z, 8, "z");
    if (n_win < 0 || n_z < 0) goto done;
    if (vocab_from(&vocab, char_min, char_max, &uni, &gs, gbits, words, &ws, wbits, &wuni, &ps, pbits) < 0) goto done;
    if (ascii_from(&vocab, &a2, &a3) < 0) goto done;
    Py_ssize_t n_feat = packed_features(&table, stride, n_rows, n_z, "score_windows");
    if (n_feat < 0) goto done;
    if (n_z / n_rows != n_win) {
        PyErr_SetString(PyExc_ValueError, "score_windows: z needs one row per window");
        goto done;
    }
    if (scored_mask(&scored, n_win, &only, "score_windows") < 0) goto done;
    const int64_t *wlen = (const int64_t *)lens.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (check_lens(wlen, n_win, PyUnicode_GET_LENGTH(text)) < 0) goto done;
    Py_ssize_t longest = 0;
    for (Py_ssize_t w = 0; w < n_win; w++) longest = wlen[w] > longest ? (Py_ssize_t)wlen[w] : longest;
    ids = (int64_t *)malloc((size_t)(5 * longest + 64) * sizeof(int64_t));
    cnt = (double *)malloc((size_t)(5 * longest + 64) * sizeof(double));
    const int direct = n_feat <= DIRECT_COLUMNS && longest <= UINT16_MAX;
    if (direct) seen = (seen_t *)calloc((size_t)n_feat + 1, sizeof(seen_t));
    if (!ids || !cnt || (direct && !seen)) { PyErr_NoMemory(); goto done; }
    int failed = 0, bad = 0;
    Py_BEGIN_ALLOW_THREADS
    logit_t l;
    logit_init(&l, (const char *)table.buf, stride, n_feat, n_rows);
    Py_ssize_t start = 0;
    for (Py_ssize_t w = 0; w < n_win && !bad; start += (Py_ssize_t)wlen[w], w++) {
        if (only && !only[w]) continue;
        Py_ssize_t got = window_ids(&vocab, &scratch, kind, data, start, (Py_ssize_t)wlen[w]);
        if (got >= 0)
            got = seen ? count_columns(seen, n_feat, scratch.tok, got, ids)
                       : count_ids(&scratch, got, ids, cnt, 0);
        if (got == -3) { bad = 1; break; }
        if (got < 0) { failed = (int)-got; break; }
        double *zrow = (double *)z.buf + w * n_rows;
        bad = window_row_n(&l, ids, cnt, seen, got, zrow) < 0;
    }
    Py_END_ALLOW_THREADS
    if (count_failed(failed) < 0) goto done;
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "score_windows: a column index exceeds the model's features");
        goto done;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    scratch_free(&scratch);
    free(ids);
    free(cnt);
    free(seen);
    PyBuffer_Release(&lens);
    PyBuffer_Release(&scored);
    PyBuffer_Release(&uni);
    PyBuffer_Release(&gs);
    PyBuffer_Release(&ws);
    PyBuffer_Release(&wuni);
    PyBuffer_Release(&ps);
    PyBuffer_Release(&a2);
    PyBuffer_Release(&a3);
    PyBuffer_Release(&table);
    PyBuffer_Release(&z);
    return result;
}

static inline int is_sentence_mark(Py_UCS4 c) {
    if (c < 0x80) return c == '!' || c == '?' || c == ';' || c == '\n';
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B;
}

/* Whether c is a sentence mark or '.', computed without a branch: the test prepare_windows makes
   of every character (the few that pass are then looked at closely). */
static const unsigned char ascii_end[128] = {['!'] = 1, ['?'] = 1, [';'] = 1, ['\n'] = 1, ['.'] = 1};
static inline int end_candidate(Py_UCS4 c) {
    return (ascii_end[c & 127] & (c < 128)) | (c == 0x3002) | (c == 0xFF01) | (c == 0xFF1F) | (c == 0xFF1B);
}

/* str.isspace without a library call: ASCII from a table, the rest from Unicode's short list
   of whitespace past ASCII (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
   U+205F, U+3000; tests/classifier/test_kernels.py checks every code point up to U+3100 against
   str.isspace). Py_UNICODE_ISSPACE calls out for every non-ASCII character, and corpus text has
   many below U+3000 (quotes, dashes, accented letters). */
static const unsigned char ascii_space[128] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [' '] = 1,
};
static inline int is_space(Py_UCS4 c) {
    if (c < 128) return ascii_space[c];
    if (c < 0x2000) return c == 0x85 || c == 0xA0 || c == 0x1680;
    return c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* First index in seq[lo:n] whose value is > x (bisect.bisect_right). */
static Py_ssize_t bisect_right(const Py_ssize_t *seq, Py_ssize_t n, Py_ssize_t x, Py_ssize_t lo) {
    Py_ssize_t hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (x < seq[mid]) hi = mid; else lo = mid + 1;
    }
    return lo;
}

/*
 * prepare_windows(text, size) -> (cuts: bytearray of int64 (start, end) pairs, joined: str,
 *                                 lens: bytearray of int64, scripts: bytearray of int64 pairs)
 *
 * detector.windows(text, size) and the whitespace-collapsed text of each window
 * (detector._collapse: runs of whitespace become one space, both ends stripped), joined, with
 * each window's collapsed length: the inputs of count_tokens. Sentence ends are the ends of runs
 * of 。！？!?；; and newline, and each "." followed by whitespace (str.isspace); a window runs to
 * the last sentence end within ``size`` characters, a longer sentence is cut every ``size``;
 * windows of only whitespace are dropped unless the text fits in one window. ``scripts`` holds
 * each window's (Han characters, ASCII letters), counted as text.lang.segment_scripts counts them
 * (the classifiers route the windows of a mixed text by language).
 */
static inline int is_han(Py_UCS4 c) {
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
}
static inline int is_ascii_letter(Py_UCS4 c) { return c < 0x80 && (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* prepare_windows' two passes, one copy per kind of string (PyUnicode_READ's switch on the kind
   at every character was a third of their time). SENTENCE_ENDS lists in seq the offsets just
   past each sentence end; COLLAPSE appends window [s, e) to ``joined`` with each whitespace run
   made one space (none at its ends), counting its Han characters and ASCII letters. */
#define SENTENCE_ENDS(T)                                                                          \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        for (Py_ssize_t k = 0; k < n; k++) {                                                      \
            Py_UCS4 c = p[k];                                                                     \
            /* one test per character, without branches; the rare candidates are looked at */   \
            if (!(end_candidate(c))) continue;                                                    \
            if (is_sentence_mark(c)) {                                                            \
                if (k == n - 1 || !is_sentence_mark(p[k + 1])) seq[n_seq++] = k + 1;              \
            } else if (k < n - 1 && is_space(p[k + 1])) { /* a '.' */                             \
                seq[n_seq++] = k + 1;                                                             \
            }                                                                                     \
        }                                                                                         \
    } while (0)
#define COLLAPSE(T)                                                                               \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        T *out = (T *)joined;                                                                     \
        int pending = 0;                                                                          \
        for (Py_ssize_t k = s; k < e; k++) {                                                      \
            Py_UCS4 c = p[k];                                                                     \
            if (is_space(c)) { pending = 1; continue; }                                           \
            if (pending && n_joined > before) out[n_joined++] = ' ';                              \
            out[n_joined++] = (T)c;                                                               \
            han += is_han(c);                                                                     \
            latin += is_ascii_letter(c);                                                          \
            pending = 0;                                                                          \
        }                                                                                         \
    } while (0)

static PyObject *prepare_windows(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "Un:prepare_windows", &text, &size)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    if (size < 1) {
        PyErr_SetString(PyExc_ValueError, "prepare_windows: size must be positive");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t *seq = NULL, *cuts = NULL, n_seq = 0, n_cuts = 0;
    void *joined = NULL; /* the collapsed windows, in the text's own kind (they hold only its characters) */
    int64_t *out_cuts = NULL, *out_lens = NULL, *out_scripts = NULL;
    PyObject *result = NULL;
    /* at most n sentence ends + the final one; at most n / size + 2 windows per sentence end */
    seq = (Py_ssize_t *)malloc((size_t)(n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t cut_cap = 2 * (n + 1) + 2 * (n / size + 2) + 2;
    cuts = (Py_ssize_t *)malloc((size_t)cut_cap * sizeof(Py_ssize_t));
    joined = malloc((size_t)(n + 1) * (size_t)kind);
    if (!seq || !cuts || !joined) { PyErr_NoMemory(); goto done; }
    if (n <= size) {
        cuts[0] = 0;
        cuts[1] = n;
        n_cuts = 1;
    } else {
        if (kind == PyUnicode_1BYTE_KIND) SENTENCE_ENDS(Py_UCS1);
        else if (kind == PyUnicode_2BYTE_KIND) SENTENCE_ENDS(Py_UCS2);
        else SENTENCE_ENDS(Py_UCS4);
        seq[n_seq++] = n;
        Py_ssize_t start = 0, i = 0;
        for (;;) {
            Py_ssize_t j = bisect_right(seq, n_seq, start + size, i);
            if (j == n_seq) break;
            Py_ssize_t last = j ? seq[j - 1] : 0, c = seq[j];
            if (last > start) {
                cuts[2 * n_cuts] = start;
                cuts[2 * n_cuts + 1] = last;
                n_cuts++;
                start = last;
            }
            while (c - start > size) {
                cuts[2 * n_cuts] = start;
                cuts[2 * n_cuts + 1] = start + size;
                n_cuts++;
                start += size;
            }
            i = j + 1;
        }
        if (start < n) {
            cuts[2 * n_cuts] = start;
            cuts[2 * n_cuts + 1] = n;
            n_cuts++;
        }
    }
    out_cuts = (int64_t *)malloc((size_t)(2 * n_cuts + 1) * sizeof(int64_t));
    out_lens = (int64_t *)malloc((size_t)(n_cuts + 1) * sizeof(int64_t));
    out_scripts = (int64_t *)malloc((size_t)(2 * n_cuts + 1) * sizeof(int64_t));
    if (!out_cuts || !out_lens || !out_scripts) { PyErr_NoMemory(); goto done; }
    Py_ssize_t kept = 0, n_joined = 0;
    for (Py_ssize_t w = 0; w < n_cuts; w++) {
        Py_ssize_t s = cuts[2 * w], e = cuts[2 * w + 1], before = n_joined;
        int64_t han = 0, latin = 0;
        if (kind == PyUnicode_1BYTE_KIND) COLLAPSE(Py_UCS1);
        else if (kind == PyUnicode_2BYTE_KIND) COLLAPSE(Py_UCS2);
        else COLLAPSE(Py_UCS4);
        if (n > size && n_joined == before) continue; /* only whitespace: windows() drops it */
        out_cuts[2 * kept] = s;
        out_cuts[2 * kept + 1] = e;
        out_lens[kept] = n_joined - before;
        out_scripts[2 * kept] = han;
        out_scripts[2 * kept + 1] = latin;
        kept++;
    }
    {
        PyObject *c = PyByteArray_FromStringAndSize((const char *)out_cuts, 2 * kept * (Py_ssize_t)sizeof(int64_t));
        PyObject *j = PyUnicode_FromKindAndData(kind, joined, n_joined);
        PyObject *l = PyByteArray_FromStringAndSize((const char *)out_lens, kept * (Py_ssize_t)sizeof(int64_t));
        PyObject *sc = PyByteArray_FromStringAndSize((const char *)out_scripts, 2 * kept * (Py_ssize_t)sizeof(int64_t));
        if (c && j && l && sc) result = PyTuple_Pack(4, c, j, l, sc);
        Py_XDECREF(c);
        Py_XDECREF(j);
        Py_XDECREF(l);
        Py_XDECREF(sc);
    }
done:
    free(seq);
    free(cuts);
    free(joined);
    free(out_cuts);
    free(out_lens);
    free(out_scripts);
    return result;
}
#undef SENTENCE_ENDS
#undef COLLAPSE

static PyMethodDef methods[] = {
    {"word_hash", word_hash, METH_VARARGS, "63-bit FNV-1a hash of a word's code points (the word table's key)."},
    {"count_tokens", count_tokens, METH_VARARGS, "Distinct token ids and counts of each window (see the C source)."},
    {"prepare_windows", prepare_windows, METH_VARARGS, "Windows of a text and their collapsed texts, joined (see the C source)."},
    {"window_logits", window_logits, METH_VARARGS, "Accumulate each window's normalised TF-IDF logits into z."},
    {"score_windows", score_windows, METH_VARARGS, "One model's window logits straight from the text (see the C source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", "Compiled inner loops of the n-gram classifiers.", -1, methods};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
