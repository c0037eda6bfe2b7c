/*
 * Compiled inner loops of the n-gram classifiers (module genguard.detect.classifier._kernels).
 *
 * Why: the numpy path (detector._keyed_window_tokens, TextModel.proba_windows) issues a few
 * dozen array operations per text, each 10-50 us, plus a regex pass and a dict lookup per word;
 * on a 7 KB corpus document that is ~2 ms, most of a full corpus scan's time. These two
 * functions do the same work in one pass each over the text and its tokens. They compute
 * exactly what the numpy path computes (tests/classifier/test_kernels.py pins both against each
 * other and against the string reference path); the package falls back to numpy when the
 * extension was not built (it is optional in setup.py).
 *
 * The hash tables are the arrays of classifier.keytable.KeyTable, passed as buffers: 2**bits
 * int64 keys (-1 = empty slot) and int32 values, Fibonacci hashing, linear probing.
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
    const int64_t *keys;
    const int32_t *vals;
    int bits;
    uint64_t mask;
} table_t;

static inline int64_t table_get(const table_t *t, int64_t key) {
    if (t->bits <= 0) return -1;
    uint64_t slot = ((uint64_t)key * FIB_MULT) >> (64 - t->bits);
    for (uint64_t probes = 0; probes <= t->mask; probes++) { /* KeyTable keeps slots free; bounded anyway */
        int64_t held = t->keys[slot];
        if (held == key) return (int64_t)t->vals[slot];
        if (held == -1) return -1;
        slot = (slot + 1) & t->mask;
    }
    return -1;
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

static int table_from(Py_buffer *keys, Py_buffer *vals, int bits, table_t *t, const char *what) {
    Py_ssize_t nk = items(keys, 8, what), nv = items(vals, 4, what);
    if (nk < 0 || nv < 0) return -1;
    if (bits < 0 || bits > 62 || nk != ((Py_ssize_t)1 << bits) || nv != nk) {
        PyErr_Format(PyExc_ValueError, "%s: table arrays do not match 2**%d slots", what, bits);
        return -1;
    }
    t->keys = (const int64_t *)keys->buf;
    t->vals = (const int32_t *)vals->buf;
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
 * count_tokens(text, lens, char_min, char_max, uni, gram_keys, gram_vals, gram_bits,
 *              words, word_keys, word_vals, word_bits, word_uni, pair_keys, pair_vals, pair_bits)
 *   -> (gids: bytearray of int64, counts: bytearray of float64, starts: bytearray of int64)
 *
 * ``text`` is the windows' prepared texts joined; ``lens`` (int64) their lengths. Per window:
 * the global id of every character n-gram (char_min..char_max <= 3; unigrams from the dense
 * ``uni`` array, clipped to its last entry; longer ones from the gram table, keyed as in
 * features.gram_keys) and, with ``words``, of every word unigram and adjacent-word bigram
 * (words as features.WORD_PATTERN finds them; word id from the word table by word_hash, the
 * unknown id being len(word_uni) - 1; a unigram's id is word_uni[word id], a bigram's is the
 * pair table's value for a * len(word_uni) + b when both words are known). Ids < 0 are dropped;
 * the rest are counted within each window, windows in order, each window's distinct ids in the
 * order they first occur: the numpy path's entries (np.unique over (window, id)), but not sorted
 * by id within a window - a sort cost more than all the rest, and nothing downstream needs it.
 * Counting goes through a small open-addressing map per window (id -> output entry; each slot's
 * id, stamp and entry in one 16-byte struct, so a probe reads one cache line), sized to twice the
 * window's largest possible token count; a slot stamped with another window's number is free, so
 * nothing is cleared between windows. The n-grams of a window are keyed in one pass (prefetching
 * their gram-table slots) and looked up in a second, which hides most of the table's cache misses.
 * ``starts`` holds each window's first entry and, last, the number of entries (window w's entries
 * are starts[w] .. starts[w + 1] - 1) in place of a window index per entry: window_logits reads
 * only the windows a model scores, and there are a third fewer bytes to write and read.
 * The entries are written straight into the result bytearrays (sized for the most a text can
 * give, shrunk at the end), not copied there.
 */
/* One slot of count_tokens' per-window map from token id to its output entry: the three fields
   in one 16-byte slot, so a probe touches one cache line (they were three arrays). ``out`` is the
   entry's offset from the window's first entry (below 5 * window length + 1, checked). */
#define MAX_WINDOW ((Py_ssize_t)(UINT32_MAX / 8)) /* characters: 5 entries each fit count_slot_t.out */

typedef struct {
    int64_t id;
    uint32_t stamp; /* the window (+ 1) that took the slot; any other value: free */
    uint32_t out;
} count_slot_t;

static PyObject *count_tokens(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer lens, uni, gk, gv, wk, wv, wuni, pk, pv;
    int char_min, char_max, gbits, words, wbits, pbits;
    if (!PyArg_ParseTuple(args, "Uy*iiy*y*y*ipy*y*iy*y*y*i:count_tokens", &text, &lens, &char_min, &char_max,
                          &uni, &gk, &gv, &gbits, &words, &wk, &wv, &wbits, &wuni, &pk, &pv, &pbits))
        return NULL;
    PyObject *result = NULL, *res_gid = NULL, *res_cnt = NULL, *res_starts = NULL;
    int64_t *out_gid = NULL, *out_starts = NULL;
    double *out_cnt = NULL;
    int64_t *tok = NULL;
    count_slot_t *slot = NULL;
    unsigned char *is_key = NULL;
    Py_ssize_t tok_cap = 0;
    Py_ssize_t n_out = 0, slot_cap = 0;
    table_t grams, wtab, pairs;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) goto done; /* 3.12+: every str is ready */
#endif
    Py_ssize_t n_win = items(&lens, 8, "lens"), n_uni = items(&uni, 8, "uni"), n_wuni = items(&wuni, 8, "word_uni");
    if (n_win < 0 || n_uni < 0 || n_wuni < 0) goto done;
    if (table_from(&gk, &gv, gbits, &grams, "gram table") < 0) goto done;
    if (table_from(&wk, &wv, wbits, &wtab, "word table") < 0) goto done;
    if (table_from(&pk, &pv, pbits, &pairs, "pair table") < 0) goto done;
    if (char_min < 1 || char_max > 3 || n_uni < 1 || n_wuni < 1) {
        PyErr_SetString(PyExc_ValueError, "count_tokens: n-grams must lie in 1..3 and the id arrays be non-empty");
        goto done;
    }
    const int64_t *wlen = (const int64_t *)lens.buf;
    const int64_t *unigram = (const int64_t *)uni.buf;
    const int64_t *word_uni = (const int64_t *)wuni.buf;
    const int64_t unknown = n_wuni - 1;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t total = PyUnicode_GET_LENGTH(text), sum = 0;
    for (Py_ssize_t w = 0; w < n_win; w++) {
        if (wlen[w] < 0) { PyErr_SetString(PyExc_ValueError, "count_tokens: negative window length"); goto done; }
        if (wlen[w] > MAX_WINDOW) { PyErr_SetString(PyExc_ValueError, "count_tokens: a window is too long"); goto done; }
        sum += wlen[w];
    }
    if (sum != total) {
        PyErr_SetString(PyExc_ValueError, "count_tokens: window lengths do not add up to the text's length");
        goto done;
    }
    /* the results are written straight into bytearrays sized for the most entries the windows can
       give (at most 3 n-grams, one word and one bigram per character), shrunk at the end: no
       growing and no final copy of ~24 bytes per entry (a corpus document has ~10,000) */
    Py_ssize_t bound = 5 * total + n_win + 1;
    res_gid = PyByteArray_FromStringAndSize(NULL, bound * (Py_ssize_t)sizeof(int64_t));
    res_cnt = PyByteArray_FromStringAndSize(NULL, bound * (Py_ssize_t)sizeof(double));
    res_starts = PyByteArray_FromStringAndSize(NULL, (n_win + 1) * (Py_ssize_t)sizeof(int64_t));
    if (!res_gid || !res_cnt || !res_starts) goto done;
    out_starts = (int64_t *)PyByteArray_AS_STRING(res_starts);
    out_gid = (int64_t *)PyByteArray_AS_STRING(res_gid);
    out_cnt = (double *)PyByteArray_AS_STRING(res_cnt);
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t start = 0;
    for (Py_ssize_t w = 0; w < n_win && !failed; w++) {
        Py_ssize_t len = (Py_ssize_t)wlen[w];
        /* at most 3 n-grams, one word and one bigram per character */
        Py_ssize_t most = 5 * len + 1;
        if (3 * len > tok_cap) {
            Py_ssize_t cap = 3 * len + 64;
            int64_t *a = (int64_t *)realloc(tok, (size_t)cap * sizeof(int64_t));
            if (a) tok = a;
            unsigned char *b = (unsigned char *)realloc(is_key, (size_t)cap);
            if (b) is_key = b;
            if (!a || !b) { failed = 1; break; }
            tok_cap = cap;
        }
        int sbits = 1;
        while (((Py_ssize_t)1 << sbits) < 2 * most) sbits++;
        Py_ssize_t slots = (Py_ssize_t)1 << sbits;
        uint64_t smask = (uint64_t)slots - 1;
        if (slots > slot_cap) {
            free(slot);
            slot = (count_slot_t *)calloc((size_t)slots, sizeof(count_slot_t)); /* stamp 0: free */
            if (!slot) { failed = 1; break; }
            slot_cap = slots;
        }
        Py_ssize_t first = n_out; /* this window's first output entry */
        out_starts[w] = (int64_t)first;
        /* a slot is taken in this window when its stamp is this window's; no clearing between
           windows (a corpus document has dozens) */
        uint32_t stamp = (uint32_t)(w + 1);
#define COUNT(id_)                                                                  \
        do {                                                                        \
            int64_t id__ = (id_);                                                   \
            count_slot_t *s__ = slot + (((uint64_t)id__ * FIB_MULT) >> (64 - sbits)); \
            while (s__->stamp == stamp && s__->id != id__)                          \
                s__ = slot + (((uint64_t)(s__ - slot) + 1) & smask);                \
            if (s__->stamp != stamp) {                                              \
                s__->stamp = stamp;                                                 \
                s__->id = id__;                                                     \
                s__->out = (uint32_t)(n_out - first);                               \
                out_gid[n_out] = id__;                                              \
                out_cnt[n_out] = 1.0;                                               \
                n_out++;                                                            \
            } else {                                                                \
                out_cnt[first + s__->out] += 1.0;                                   \
            }                                                                       \
        } while (0)
        /* two passes: the first computes every n-gram's key and prefetches its hash slot (the
           table is megabytes, so each probe is a cache miss), the second resolves and counts
           them in the same order; unigrams are direct and stored as resolved ids */
        Py_ssize_t n_tok = 0;
        for (Py_ssize_t i = 0; i < len; i++) {
            int64_t c0 = (int64_t)PyUnicode_READ(kind, data, start + i);
            for (int n = char_min; n <= char_max && i + n <= len; n++) {
                if (n == 1) {
                    tok[n_tok] = unigram[c0 < n_uni - 1 ? c0 : n_uni - 1];
                    is_key[n_tok++] = 0;
                } else {
                    int64_t c1 = (int64_t)PyUnicode_READ(kind, data, start + i + 1);
                    int64_t key = n == 2 ? ((c0 + 1) << 21) | c1
                                         : ((c0 + 1) << 42) | (c1 << 21) | (int64_t)PyUnicode_READ(kind, data, start + i + 2);
                    if (grams.bits > 0) {
                        uint64_t slot = ((uint64_t)key * FIB_MULT) >> (64 - grams.bits);
                        __builtin_prefetch(grams.keys + slot);
                        __builtin_prefetch(grams.vals + slot);
                    }
                    tok[n_tok] = key;
                    is_key[n_tok++] = 1;
                }
            }
        }
        for (Py_ssize_t t = 0; t < n_tok; t++) {
            int64_t id = is_key[t] ? table_get(&grams, tok[t]) : tok[t];
            if (id >= 0) COUNT(id);
        }
        if (words) {
            int64_t prev = -1; /* word id of the previous word in this window, -1 before the first */
            Py_ssize_t i = 0;
            while (i < len) {
                Py_UCS4 c = PyUnicode_READ(kind, data, start + i);
                if (!is_word_start(c)) { i++; continue; }
                uint64_t h = FNV_OFFSET;
                while (i < len && is_word_char(c = PyUnicode_READ(kind, data, start + i))) {
                    h = word_hash_step(h, c);
                    i++;
                }
                int64_t wid = table_get(&wtab, (int64_t)(h & HASH_MASK));
                if (wid < 0 || wid > unknown) wid = unknown; /* not indexed (or a table from elsewhere) */
                int64_t id = word_uni[wid];
                if (id >= 0) COUNT(id);
                if (prev >= 0 && prev != unknown && wid != unknown) {
                    id = table_get(&pairs, prev * n_wuni + wid);
                    if (id >= 0) COUNT(id);
                }
                prev = wid;
            }
        }
#undef COUNT
        start += len;
    }
    Py_END_ALLOW_THREADS
    if (failed) { PyErr_NoMemory(); goto done; }
    out_starts[n_win] = (int64_t)n_out;
    if (PyByteArray_Resize(res_gid, n_out * (Py_ssize_t)sizeof(int64_t)) < 0
        || PyByteArray_Resize(res_cnt, n_out * (Py_ssize_t)sizeof(double)) < 0)
        goto done;
    result = PyTuple_Pack(3, res_gid, res_cnt, res_starts);
done:
    Py_XDECREF(res_starts);
    Py_XDECREF(res_gid);
    Py_XDECREF(res_cnt);
    free(tok);
    free(is_key);
    free(slot);
    PyBuffer_Release(&lens);
    PyBuffer_Release(&uni);
    PyBuffer_Release(&gk);
    PyBuffer_Release(&gv);
    PyBuffer_Release(&wk);
    PyBuffer_Release(&wv);
    PyBuffer_Release(&wuni);
    PyBuffer_Release(&pk);
    PyBuffer_Release(&pv);
    return result;
}

/*
 * window_logits(gids, counts, starts, columns, table, stride, n_rows, z, scored) -> None
 *
 * TextModel.proba_windows before calibration: the tokens (global id, count) are grouped by
 * window, window w's being entries starts[w] .. starts[w + 1] - 1 (``starts``: int64, one more
 * than there are windows). For each token whose id has a column in this model (columns[id] >= 0,
 * int32; ids outside ``columns`` have none), value = (1 + log count) * idf; each window's values
 * are L2-normalised and z[w] (n_win x n_rows, float64, zeroed by the caller) = sum of value *
 * coefficient. ``table`` packs each column's idf (float64) and its n_rows coefficients (float32)
 * into ``stride`` bytes, so a token costs two memory reads (its column, its packed row) instead
 * of three scattered ones: with the other detectors' tables in the cache these reads are the
 * kernel's cost. Whole counts below TF_TABLE (nearly all of them) take 1 + log k from a table:
 * log() was a third of the kernel's time. ``scored`` (one byte per window, or empty for all)
 * skips the windows whose byte is 0: their rows of z stay zero.
 *
 * Why window by window: a language-gated model scores a part of a mixed document's windows
 * (offensive_zh a third of a corpus document's tokens), and in a corpus scan it reads tokens
 * another detector counted a group of documents ago, no longer in the cache. With each window's
 * range it never touches the tokens of the windows it skips, nor a per-token window index. The
 * sums are the same, added in the same order, as a token-by-token pass over all of them.
 */
/* How far ahead of the token being summed window_logits prefetches a token's column and its
   packed row (by the time the row is fetched, the column it needs is in the cache). */
#define PF_COLUMN 16
#define PF_ROW 8

static PyObject *window_logits(PyObject *self, PyObject *args) {
    Py_buffer gids, counts, starts, cols, table, z, scored;
    int n_rows;
    Py_ssize_t stride;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*niw*y*:window_logits", &gids, &counts, &starts, &cols, &table, &stride,
                          &n_rows, &z, &scored))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = items(&gids, 8, "gids"), nc = items(&counts, 8, "counts"), ns = items(&starts, 8, "starts");
    Py_ssize_t n_cols = items(&cols, 4, "columns"), n_z = items(&z, 8, "z");
    if (n < 0 || nc < 0 || ns < 0 || n_cols < 0 || n_z < 0) goto done;
    if (n_rows < 1 || nc != n || n_z % n_rows != 0 || stride < 8 + 4 * (Py_ssize_t)n_rows || stride % 8 != 0
        || table.len % stride != 0) {
        PyErr_SetString(PyExc_ValueError, "window_logits: array lengths do not match");
        goto done;
    }
    Py_ssize_t n_feat = table.len / stride;
    Py_ssize_t n_win = n_z / n_rows;
    if (ns != n_win + 1) {
        PyErr_SetString(PyExc_ValueError, "window_logits: starts needs one entry per window and one more");
        goto done;
    }
    if (scored.len != 0 && scored.len != n_win) {
        PyErr_SetString(PyExc_ValueError, "window_logits: the scored mask needs one byte per window");
        goto done;
    }
    const unsigned char *only = scored.len ? (const unsigned char *)scored.buf : NULL;
    const int64_t *g = (const int64_t *)gids.buf, *first = (const int64_t *)starts.buf;
    const int32_t *col = (const int32_t *)cols.buf;
    const double *cnt = (const double *)counts.buf;
    const char *packed = (const char *)table.buf;
    double *zz = (double *)z.buf;
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
    double tf[TF_TABLE]; /* 1 + log k for small counts: the same values log() gives, computed once */
    for (int k = 1; k < TF_TABLE; k++) tf[k] = 1.0 + log((double)k);
    for (Py_ssize_t w = 0; w < n_win && !bad; w++) {
        if (only && !only[w]) continue;
        double *row = zz + w * n_rows, norm = 0.0;
        Py_ssize_t end = first[w + 1];
        for (Py_ssize_t i = first[w]; i < end; i++) {
            /* Prefetch the column of a token PF_COLUMN ahead and the packed row of one PF_ROW
               ahead. Why: the ids are known ahead, but their columns and rows lie anywhere in
               arrays of megabytes, and the kernel spent most of its time waiting for those two
               reads one after the other (a fifth less time on corpus text). Written out here:
               GCC drops a helper function made only of prefetches, as one without effects. */
            if (i + PF_COLUMN < end && g[i + PF_COLUMN] >= 0 && g[i + PF_COLUMN] < n_cols)
                __builtin_prefetch(col + g[i + PF_COLUMN]);
            if (i + PF_ROW < end && g[i + PF_ROW] >= 0 && g[i + PF_ROW] < n_cols) {
                int32_t ahead = col[g[i + PF_ROW]];
                if (ahead >= 0 && ahead < n_feat) __builtin_prefetch(packed + (Py_ssize_t)ahead * stride);
            }
            int64_t id = g[i];
            if (id < 0 || id >= n_cols) continue;
            int64_t c = col[id];
            if (c < 0) continue;
            if (c >= n_feat) { bad = 1; break; }
            const char *row_p = packed + c * stride;
            double idf;
            memcpy(&idf, row_p, sizeof(double));
            const float *cr = (const float *)(row_p + 8);
            double k = cnt[i];
            double v = (k >= 1.0 && k < TF_TABLE && k == (double)(int)k ? tf[(int)k] : 1.0 + log(k)) * idf;
            norm += v * v;
            for (int r = 0; r < n_rows; r++) row[r] += v * (double)cr[r];
        }
        if (norm > 0) {
            double s = sqrt(norm);
            for (int r = 0; r < n_rows; r++) row[r] /= s;
        }
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

static inline int is_sentence_mark(Py_UCS4 c) {
    switch (c) {
    case 0x3002: case 0xFF01: case 0xFF1F: case '!': case '?': case 0xFF1B: case ';': case '\n': return 1;
    default: return 0;
    }
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
    Py_UCS4 *joined = NULL;
    int64_t *out_cuts = NULL, *out_lens = NULL, *out_scripts = NULL;
    PyObject *result = NULL;
    /* at most n sentence ends + the final one; at most n / size + 2 windows per sentence end */
    seq = (Py_ssize_t *)malloc((size_t)(n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t cut_cap = 2 * (n + 1) + 2 * (n / size + 2) + 2;
    cuts = (Py_ssize_t *)malloc((size_t)cut_cap * sizeof(Py_ssize_t));
    joined = (Py_UCS4 *)malloc((size_t)(n + 1) * sizeof(Py_UCS4));
    if (!seq || !cuts || !joined) { PyErr_NoMemory(); goto done; }
    if (n <= size) {
        cuts[0] = 0;
        cuts[1] = n;
        n_cuts = 1;
    } else {
        for (Py_ssize_t k = 0; k < n; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, k);
            if (is_sentence_mark(c)) {
                if (k == n - 1 || !is_sentence_mark(PyUnicode_READ(kind, data, k + 1))) seq[n_seq++] = k + 1;
            } else if (c == '.' && k < n - 1 && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k + 1))) {
                seq[n_seq++] = k + 1;
            }
        }
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
        int pending = 0;
        for (Py_ssize_t k = s; k < e; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, k);
            if (Py_UNICODE_ISSPACE(c)) { pending = 1; continue; }
            if (pending && n_joined > before) joined[n_joined++] = ' ';
            joined[n_joined++] = c;
            han += is_han(c);
            latin += is_ascii_letter(c);
            pending = 0;
        }
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
        PyObject *j = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, joined, n_joined);
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

static PyMethodDef methods[] = {
    {"word_hash", word_hash, METH_VARARGS, "63-bit FNV-1a hash of a word's code points (the word table's key)."},
    {"count_tokens", count_tokens, METH_VARARGS, "Distinct token ids and counts of each window (see the C source)."},
    {"prepare_windows", prepare_windows, METH_VARARGS, "Windows of a text and their collapsed texts, joined (see the C source)."},
    {"window_logits", window_logits, METH_VARARGS, "Accumulate each window's normalised TF-IDF logits into z."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", "Compiled inner loops of the n-gram classifiers.", -1, methods};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
