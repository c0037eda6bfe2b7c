/*
 * Compiled folding of a text into the views every check starts from (genguard.text.normalize),
 * its pinyin spelling, and two small scans the detectors run on every text (script counts,
 * ASCII runs).
 *
 * views(text, fold, literal, visible, table_size)
 *   -> (compact, compact_codes, offsets, literal_text, soft) or None
 *
 * One pass over the text's code points c gives what normalize() and NormalizedText's lazy views
 * compute with a dozen numpy operations each:
 *   compact       the characters fold[c] != 0, folded (str)
 *   compact_codes their code points (bytes of uint32)
 *   offsets       their indices in the text (bytes of int64)
 *   literal_text  literal[c] for every character (str, same length as the text)
 *   soft          None when no character is dropped (the soft view is then the literal text with
 *                 offsets 0..n-1), else (soft_text, soft_offsets): the literal characters whose
 *                 fold is not 0, or that are visible separators, newlines or tabs.
 * ``fold`` (uint32) must cover every code point; ``literal`` (uint32) and ``visible`` (bool, one
 * byte each) hold ``table_size`` entries. A text with a code point at or above table_size gets
 * None: the numpy path serves it (it folds those rare characters differently).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static Py_ssize_t items(Py_buffer *b, Py_ssize_t itemsize, const char *what) {
    if (b->len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "views: %s is not an array of %zd-byte items", what, itemsize);
        return -1;
    }
    return b->len / itemsize;
}

/* views' pass, one copy per kind of string T (a plain load per character instead of
   PyUnicode_READ's switch on the kind), writing the literal and compact characters as O: the
   text's own kind first, Py_UCS4 when some folded character does not fit it (``or_lit`` /
   ``or_comp`` collect their bits, which tell the smallest kind that holds them). The soft view is
   written only from the first character it drops on (before that it is the literal view, filled
   in then): most texts drop none. */
#define VIEWS_LOOP(T, O)                                                                          \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        O *lit_out = (O *)PyUnicode_DATA(lit_obj), *comp_out = (O *)PyUnicode_DATA(comp_obj);     \
        for (Py_ssize_t i = 0; i < n; i++) {                                                      \
            Py_UCS4 c = p[i];                                                                     \
            uint32_t f = ft[c], l = lt[c];                                                        \
            lit_out[i] = (O)l;                                                                    \
            or_lit |= l;                                                                          \
            if (f != 0) {                                                                         \
                compact[n_compact] = f;                                                           \
                comp_out[n_compact] = (O)f;                                                       \
                or_comp |= f;                                                                     \
                offsets[n_compact++] = i;                                                         \
            }                                                                                     \
            if (f != 0 || vt[c] || c == 0x0A || c == 0x09) {                                      \
                if (n_soft < i) {                                                                 \
                    soft[n_soft] = l;                                                             \
                    soft_offsets[n_soft] = i;                                                     \
                }                                                                                 \
                n_soft++;                                                                         \
            } else if (n_soft == i) { /* the first character soft drops: the kept ones so far */  \
                for (Py_ssize_t j = 0; j < i; j++) {                                              \
                    soft[j] = lt[p[j]];                                                           \
                    soft_offsets[j] = j;                                                          \
                }                                                                                 \
            }                                                                                     \
        }                                                                                         \
    } while (0)

/* The largest code point of the smallest string kind that holds characters whose bits OR to
   ``bits`` (each bound is a power of two less one, so the OR reaches it exactly when the largest
   character does). */
static Py_UCS4 kind_max(uint32_t bits) {
    return bits < 0x80 ? 0x7F : bits < 0x100 ? 0xFF : bits < 0x10000 ? 0xFFFF : 0x10FFFF;
}

/* ``*obj`` (a fresh string of maximum character ``made``, ``len`` characters written) as a proper
   str of ``len`` characters: shrunk in place, or copied into the smaller kind its characters
   need (every str must use the smallest kind that holds it). */
static int finish_str(PyObject **obj, Py_UCS4 made, uint32_t bits, Py_ssize_t len) {
    if (kind_max(bits) < made) {
        PyObject *narrow = PyUnicode_FromKindAndData(PyUnicode_KIND(*obj), PyUnicode_DATA(*obj), len);
        Py_SETREF(*obj, narrow);
        return narrow ? 0 : -1;
    }
    return len == PyUnicode_GET_LENGTH(*obj) ? 0 : PyUnicode_Resize(obj, len);
}

/* A bytes object of ``size`` bytes to be written in place (shrunk with _PyBytes_Resize after). */
static char *bytes_buffer(PyObject **obj, Py_ssize_t size) {
    *obj = PyBytes_FromStringAndSize(NULL, size ? size : 1);
    return *obj ? PyBytes_AS_STRING(*obj) : NULL;
}

static PyObject *views(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer fold, lit, vis;
    Py_ssize_t table_size;
    if (!PyArg_ParseTuple(args, "Uy*y*y*n:views", &text, &fold, &lit, &vis, &table_size)) return NULL;
    PyObject *result = NULL, *cc = NULL, *co = NULL, *so = NULL, *lit_obj = NULL, *comp_obj = NULL;
    uint32_t *soft = NULL;
    Py_ssize_t n_fold = items(&fold, 4, "fold"), n_lit = items(&lit, 4, "literal"), n_vis = vis.len;
    if (n_fold < 0 || n_lit < 0) goto done;
    if (n_fold < 0x110000 || table_size < 1 || n_lit < table_size || n_vis < table_size || table_size > n_fold) {
        PyErr_SetString(PyExc_ValueError, "views: fold must cover all of Unicode and literal/visible table_size entries");
        goto done;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) goto done;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* a 1-byte string holds nothing past U+00FF, below every table size the caller passes */
    if (kind != PyUnicode_1BYTE_KIND || table_size <= 0xFF) {
        for (Py_ssize_t i = 0; i < n; i++) {
            if ((Py_ssize_t)PyUnicode_READ(kind, data, i) >= table_size) {
                Py_INCREF(Py_None);
                result = Py_None;
                goto done;
            }
        }
    }
    size_t cells = (size_t)(n ? n : 1);
    /* the compact codes, the offsets and the soft offsets go straight into the bytes objects
       returned, the literal and compact characters into the strings returned (shrunk to their
       length at the end): no buffer copied into them */
    uint32_t *compact = (uint32_t *)bytes_buffer(&cc, n * (Py_ssize_t)sizeof(uint32_t));
    int64_t *offsets = (int64_t *)bytes_buffer(&co, n * (Py_ssize_t)sizeof(int64_t));
    int64_t *soft_offsets = (int64_t *)bytes_buffer(&so, n * (Py_ssize_t)sizeof(int64_t));
    if (!compact || !offsets || !soft_offsets) goto done;
    soft = (uint32_t *)malloc(cells * sizeof(uint32_t));
    if (!soft) {
        PyErr_NoMemory();
        goto done;
    }
    const uint32_t *ft = (const uint32_t *)fold.buf, *lt = (const uint32_t *)lit.buf;
    const unsigned char *vt = (const unsigned char *)vis.buf;
    Py_ssize_t n_compact = 0, n_soft = 0;
    uint32_t or_lit = 0, or_comp = 0;
    /* the text's own kind holds the folded characters of nearly every text; when it does not,
       the pass runs again writing 4-byte characters */
    Py_UCS4 made = PyUnicode_MAX_CHAR_VALUE(text);
    for (int wide = 0; wide < 2; wide++) {
        lit_obj = PyUnicode_New(n, made);
        comp_obj = PyUnicode_New(n, made);
        if (!lit_obj || !comp_obj) goto done;
        n_compact = n_soft = 0;
        or_lit = or_comp = 0;
        Py_BEGIN_ALLOW_THREADS
        if (wide) {
            if (kind == PyUnicode_1BYTE_KIND) VIEWS_LOOP(Py_UCS1, Py_UCS4);
            else if (kind == PyUnicode_2BYTE_KIND) VIEWS_LOOP(Py_UCS2, Py_UCS4);
            else VIEWS_LOOP(Py_UCS4, Py_UCS4);
        } else if (kind == PyUnicode_1BYTE_KIND) VIEWS_LOOP(Py_UCS1, Py_UCS1);
        else if (kind == PyUnicode_2BYTE_KIND) VIEWS_LOOP(Py_UCS2, Py_UCS2);
        else VIEWS_LOOP(Py_UCS4, Py_UCS4);
        Py_END_ALLOW_THREADS
        if (kind_max(or_lit | or_comp) <= made) break;
        Py_CLEAR(lit_obj);
        Py_CLEAR(comp_obj);
        made = 0x10FFFF;
    }
    if (finish_str(&lit_obj, made, or_lit, n) < 0 || finish_str(&comp_obj, made, or_comp, n_compact) < 0) goto done;
    PyObject *sv = NULL;
    if (n_soft == n) {
        Py_INCREF(Py_None);
        sv = Py_None;
    } else {
        PyObject *st = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, soft, n_soft);
        if (st && _PyBytes_Resize(&so, n_soft * (Py_ssize_t)sizeof(int64_t)) == 0) sv = PyTuple_Pack(2, st, so);
        Py_XDECREF(st);
    }
    if (sv && _PyBytes_Resize(&cc, n_compact * (Py_ssize_t)sizeof(uint32_t)) == 0
        && _PyBytes_Resize(&co, n_compact * (Py_ssize_t)sizeof(int64_t)) == 0)
        result = PyTuple_Pack(5, comp_obj, cc, co, lit_obj, sv);
    Py_XDECREF(sv);
done:
    Py_XDECREF(cc);
    Py_XDECREF(co);
    Py_XDECREF(so);
    Py_XDECREF(lit_obj);
    Py_XDECREF(comp_obj);
    free(soft);
    PyBuffer_Release(&fold);
    PyBuffer_Release(&lit);
    PyBuffer_Release(&vis);
    return result;
}
#undef VIEWS_LOOP

/*
 * script_counts(text, limit) -> (han, latin)
 *
 * Among the first ``limit`` characters: how many are Han ideographs (U+3400..U+4DBF,
 * U+4E00..U+9FFF, U+F900..U+FAFF) and how many ASCII letters; what lang.detect_language weighs.
 */
static PyObject *script_counts(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "Un:script_counts", &text, &limit)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), han = 0, latin = 0;
    if (limit >= 0 && limit < n) n = limit;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF)) han++;
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') latin++;
    }
    return Py_BuildValue("(nn)", han, latin);
}

/*
 * ascii_runs(text, member, min_len) -> bytes of int64 (start, end) pairs
 *
 * The maximal runs of at least ``min_len`` characters that ``member`` (128 bytes, non-zero for an
 * ASCII character in the set) holds: what ``re.finditer("[set]{min_len,}", text)`` finds, in
 * one pass instead of the regex engine's restart at every character of a short run.
 */
/* The runs in a text of one storage kind, skipping ahead: at a position i that no run covers, the
 * characters i .. i+min_len-1 are read from the last one back; a non-member at j means no run of
 * min_len can start in i..j, so the search goes on at j+1 (on Chinese text, one read in min_len);
 * all members means a run starts at i, which is then extended to its end. A loop per kind, so
 * each character is a plain load. */
#define ASCII_RUNS_LOOP(T)                                                                        \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        Py_ssize_t i = 0;                                                                         \
        while (i + min_len <= n) {                                                                \
            Py_ssize_t j = i + min_len - 1;                                                       \
            while (j >= i && p[j] < 128 && in[p[j]]) j--;                                         \
            if (j >= i) { i = j + 1; continue; }                                                  \
            Py_ssize_t e = i + min_len;                                                           \
            while (e < n && p[e] < 128 && in[p[e]]) e++;                                          \
            if (n_out + 2 > cap) {                                                                \
                Py_ssize_t grown = cap ? 2 * cap : 64;                                            \
                int64_t *o = (int64_t *)realloc(out, (size_t)grown * sizeof(int64_t));           \
                if (!o) { PyErr_NoMemory(); goto done; }                                          \
                out = o;                                                                          \
                cap = grown;                                                                      \
            }                                                                                     \
            out[n_out++] = i;                                                                     \
            out[n_out++] = e;                                                                     \
            i = e + 1; /* p[e] is not a member (or e == n) */                                     \
        }                                                                                         \
    } while (0)

static PyObject *ascii_runs(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer member;
    Py_ssize_t min_len;
    if (!PyArg_ParseTuple(args, "Uy*n:ascii_runs", &text, &member, &min_len)) return NULL;
    PyObject *result = NULL;
    int64_t *out = NULL;
    if (member.len != 128 || min_len < 1) {
        PyErr_SetString(PyExc_ValueError, "ascii_runs: member must be 128 bytes and min_len positive");
        goto done;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) goto done;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const unsigned char *in = (const unsigned char *)member.buf;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), n_out = 0, cap = 0;
    if (kind == PyUnicode_1BYTE_KIND) ASCII_RUNS_LOOP(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND) ASCII_RUNS_LOOP(Py_UCS2);
    else ASCII_RUNS_LOOP(Py_UCS4);
    result = PyBytes_FromStringAndSize((const char *)out, n_out * (Py_ssize_t)sizeof(int64_t));
done:
    free(out);
    PyBuffer_Release(&member);
    return result;
}

/*
 * spell(codes, offsets, table) -> (pinyin_text, pinyin_offsets) or None
 *
 * NormalizedText.pinyin_text and the pinyin view's offsets in one pass: each compact code point
 * c (``codes``, uint32) becomes the ASCII bytes of table[c] (``table``: uint64 per code point, the
 * spelling's bytes little-endian, 0-padded) and each of those bytes carries offsets[i] (int64,
 * the compact view's offsets). None when some code point lies beyond the table or spells to
 * something other than ASCII (its row starts with 0xFF): the numpy path handles those.
 */
static PyObject *spell(PyObject *self, PyObject *args) {
    Py_buffer codes, offs, table;
    if (!PyArg_ParseTuple(args, "y*y*y*:spell", &codes, &offs, &table)) return NULL;
    PyObject *result = NULL;
    char *text = NULL;
    int64_t *out_offs = NULL;
    Py_ssize_t n = items(&codes, 4, "codes"), n_offs = items(&offs, 8, "offsets"), n_table = items(&table, 8, "table");
    if (n < 0 || n_offs < 0 || n_table < 0) goto done;
    if (n != n_offs) {
        PyErr_SetString(PyExc_ValueError, "spell: codes and offsets differ in length");
        goto done;
    }
    const uint32_t *cp = (const uint32_t *)codes.buf;
    const int64_t *off = (const int64_t *)offs.buf;
    const unsigned char *rows = (const unsigned char *)table.buf;
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((Py_ssize_t)cp[i] >= n_table || rows[8 * (size_t)cp[i]] == 0xFF) {
            Py_INCREF(Py_None);
            result = Py_None;
            goto done;
        }
        const unsigned char *r = rows + 8 * (size_t)cp[i];
        for (int k = 0; k < 8; k++) total += r[k] != 0;
    }
    text = (char *)malloc((size_t)(total ? total : 1));
    out_offs = (int64_t *)malloc((size_t)(total ? total : 1) * sizeof(int64_t));
    if (!text || !out_offs) { PyErr_NoMemory(); goto done; }
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const unsigned char *r = rows + 8 * (size_t)cp[i];
        for (int k = 0; k < 8; k++) {
            if (r[k] == 0) continue;
            if (r[k] >= 0x80) {  /* a table row that is not ASCII after all: let numpy decide */
                Py_INCREF(Py_None);
                result = Py_None;
                goto done;
            }
            text[j] = (char)r[k];
            out_offs[j++] = off[i];
        }
    }
    {
        PyObject *t = PyUnicode_DecodeASCII(text, total, "strict");
        PyObject *o = PyBytes_FromStringAndSize((const char *)out_offs, total * (Py_ssize_t)sizeof(int64_t));
        if (t && o) result = PyTuple_Pack(2, t, o);
        Py_XDECREF(t);
        Py_XDECREF(o);
    }
done:
    free(text);
    free(out_offs);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&offs);
    PyBuffer_Release(&table);
    return result;
}

/*
 * digit_windows(text, margin) -> list of (start, end, digits, longest_run)
 *
 * The regions around digit clusters that the PII recognisers scan (genguard.detect.pii.base,
 * Doc.windows, whose Python loop is the reference and the fallback): the matches of
 *   [0-9][0-9A-Za-z]*(?:[ ()+.\-/:·•年月日号]{1,3}[A-Za-z]*[0-9][0-9A-Za-z]*)*
 * with at least three digits, each widened by ``margin`` characters, then to the end of the ASCII
 * token it stops in, then by two more; overlapping regions merged. The pattern never backtracks
 * into a shorter match (a separator or a letter is never what a failed part needed), so one
 * greedy pass finds its matches.
 */
static int dw_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static int dw_alpha(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int dw_alnum(Py_UCS4 c) { return dw_digit(c) || dw_alpha(c); }
static int dw_sep(Py_UCS4 c) {
    return c == ' ' || c == '(' || c == ')' || c == '+' || c == '.' || c == '-' || c == '/' || c == ':' ||
           c == 0x00B7 || c == 0x2022 || c == 0x5E74 || c == 0x6708 || c == 0x65E5 || c == 0x53F7;
}

static PyObject *digit_windows(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t margin;
    if (!PyArg_ParseTuple(args, "Un:digit_windows", &text, &margin)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    Py_ssize_t ws = -1, we = -1, wd = 0, wr = 0; /* the open window */
#define AT(k) PyUnicode_READ(kind, data, (k))
    Py_ssize_t i = 0;
    while (i < n) {
        if (!dw_digit(AT(i))) { /* to the next digit, with the kind known (most characters are not) */
            if (kind == PyUnicode_2BYTE_KIND) {
                const Py_UCS2 *p = (const Py_UCS2 *)data;
                while (i < n && (p[i] < '0' || p[i] > '9')) i++;
            } else {
                i++;
            }
            continue;
        }
        Py_ssize_t start = i, end = i + 1, ndig = 1, run = 1, longest = 1;
        for (;;) { /* the token so far: digits and letters */
            while (end < n && dw_alnum(AT(end))) {
                if (dw_digit(AT(end))) { ndig++; run++; if (run > longest) longest = run; }
                else run = 0;
                end++;
            }
            Py_ssize_t k = end, nsep = 0;
            while (k < n && nsep < 3 && dw_sep(AT(k))) { k++; nsep++; }
            if (nsep == 0 || (k < n && dw_sep(AT(k)))) break; /* no separator, or more than three */
            Py_ssize_t l = k;
            while (l < n && dw_alpha(AT(l))) l++;
            if (l >= n || !dw_digit(AT(l))) break;
            run = 0; /* the next part starts a new digit run */
            end = l;
        }
        i = end;
        if (end - start < 3 || ndig < 3) continue;
        Py_ssize_t s = start - margin > 0 ? start - margin : 0;
        Py_ssize_t e = end + margin < n ? end + margin : n;
        while (e < n && dw_alnum(AT(e))) e++;
        e = e + 2 < n ? e + 2 : n;
        if (ws >= 0 && s <= we) {
            if (e > we) we = e;
            if (ndig > wd) wd = ndig;
            if (longest > wr) wr = longest;
            continue;
        }
        if (ws >= 0) {
            PyObject *t = Py_BuildValue("(nnnn)", ws, we, wd, wr);
            if (!t || PyList_Append(out, t) < 0) { Py_XDECREF(t); Py_DECREF(out); return NULL; }
            Py_DECREF(t);
        }
        ws = s; we = e; wd = ndig; wr = longest;
    }
#undef AT
    if (ws >= 0) {
        PyObject *t = Py_BuildValue("(nnnn)", ws, we, wd, wr);
        if (!t || PyList_Append(out, t) < 0) { Py_XDECREF(t); Py_DECREF(out); return NULL; }
        Py_DECREF(t);
    }
    return out;
}

/*
 * pii_flags(text) -> int
 *
 * What the PII recognisers' cheap gates ask of a text, in one pass (genguard.detect.pii.base,
 * Doc.flags, whose regex searches are the reference and the fallback):
 *   bit 0  an ASCII digit occurs;
 *   bit 1  a CJK unified ideograph (U+4E00..U+9FFF) occurs;
 *   bit 2  ':' occurs at some i, i+3, i+6, i+9 and i+12 (where every colon-separated MAC address
 *          has its colons); bit 3 the same for '-';
 *   bit 4  '.' occurs at some i and i+5 (a dotted MAC address).
 * Why: the gates were seven passes over the text (ten substring searches, a regex, and separator
 * counts that ran to the end of web text full of dashes and dots), and the MAC patterns ran
 * whenever a text held five dashes; on corpus documents the shapes almost never occur. The loops
 * have no branches, so the compiler vectorises them; the shapes are looked for only when their
 * separator occurs at all.
 */
#define PF_DIGIT 1
#define PF_CJK 2
#define PF_MAC_COLON 4
#define PF_MAC_DASH 8
#define PF_MAC_DOT 16
#define PF_LOOP(T)                                                                                \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        unsigned digit = 0, cjk = 0, colon = 0, dash = 0, dot = 0;                                \
        for (Py_ssize_t i = 0; i < n; i++) {                                                      \
            Py_UCS4 c = p[i];                                                                     \
            digit |= (Py_UCS4)(c - '0') < 10u;                                                    \
            cjk |= (Py_UCS4)(c - 0x4E00) < 0x5200u;                                               \
            colon |= c == ':';                                                                    \
            dash |= c == '-';                                                                     \
            dot |= c == '.';                                                                      \
        }                                                                                         \
        flags = (digit ? PF_DIGIT : 0) | (cjk ? PF_CJK : 0);                                      \
        unsigned mc = 0, md = 0, mp = 0;                                                          \
        for (Py_ssize_t i = 0; colon && i + 12 < n; i++)                                          \
            mc |= (p[i] == ':') & (p[i + 3] == ':') & (p[i + 6] == ':') & (p[i + 9] == ':') &     \
                  (p[i + 12] == ':');                                                             \
        for (Py_ssize_t i = 0; dash && i + 12 < n; i++)                                           \
            md |= (p[i] == '-') & (p[i + 3] == '-') & (p[i + 6] == '-') & (p[i + 9] == '-') &     \
                  (p[i + 12] == '-');                                                             \
        for (Py_ssize_t i = 0; dot && i + 5 < n; i++) mp |= (p[i] == '.') & (p[i + 5] == '.');    \
        flags |= (mc ? PF_MAC_COLON : 0) | (md ? PF_MAC_DASH : 0) | (mp ? PF_MAC_DOT : 0);        \
    } while (0)

static PyObject *pii_flags(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:pii_flags", &text)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    long flags = 0;
    if (kind == PyUnicode_1BYTE_KIND) PF_LOOP(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND) PF_LOOP(Py_UCS2);
    else PF_LOOP(Py_UCS4);
    return PyLong_FromLong(flags);
}
#undef PF_LOOP

/*
 * word_scan(text, classes, pairs, pair_first, pair_words, word_first, word_chars)
 *   -> list of (word, start, end)
 *
 * Every occurrence of a set of words of two or more characters, overlapping ones included
 * (genguard.detect.pii.base.WordIndex builds the tables; the ahocorasick_rs pass it replaces is
 * the reference and the fallback). ``classes``: uint8 per BMP code point, the character's class
 * (0: in no word; code points beyond the BMP and surrogates are class 0, as no word holds one);
 * ``pairs``: a bitmap over the 65536 class pairs b = 256 * first + second, set for the first two
 * characters of some word; ``pair_first``: int32, the words starting with pair b are
 * ``pair_words[pair_first[b]:pair_first[b + 1]]``; word w is the code points
 * ``word_chars[word_first[w]:word_first[w + 1]]`` (int32). Offsets are character indices.
 * Why: an automaton walk is a chain of dependent loads, one per character (the library's, and a
 * compiled one, cost 4 ns a character on corpus documents); here each position costs two
 * independent table reads and a bit test, and only the few positions whose first two
 * characters start a word compare words.
 */
#define WS_CLASS(c) ((c) < 0x10000 ? (Py_ssize_t)cl[(c)] : 0)
#define WS_LOOP(T)                                                                                \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        Py_ssize_t x0 = n ? WS_CLASS(p[0]) : 0;                                                   \
        for (Py_ssize_t i = 0; i + 1 < n; i++) {                                                  \
            Py_ssize_t x1 = WS_CLASS(p[i + 1]), b = (x0 << 8) | x1;                               \
            x0 = x1;                                                                              \
            if (!((bits[b >> 3] >> (b & 7)) & 1)) continue;                                       \
            int32_t j0 = pf[b], j1 = pf[b + 1];                                                   \
            if (j0 < 0 || j1 > npw || j0 > j1) { bad = 1; break; }                                \
            for (int32_t j = j0; j < j1; j++) {                                                   \
                int32_t w = pw[j];                                                                \
                if (w < 0 || w >= nwords || wf[w] < 0 || wf[w] > wf[w + 1] || wf[w + 1] > nwc) { bad = 1; break; } \
                Py_ssize_t len = wf[w + 1] - wf[w], m = 0;                                        \
                if (i + len > n) continue;                                                        \
                while (m < len && (Py_UCS4)p[i + m] == (Py_UCS4)wc[wf[w] + m]) m++;               \
                if (m < len) continue;                                                            \
                PyObject *t = Py_BuildValue("(nnn)", (Py_ssize_t)w, i, i + len);                  \
                if (!t || PyList_Append(out, t) < 0) { Py_XDECREF(t); failed = 1; break; }        \
                Py_DECREF(t);                                                                     \
            }                                                                                     \
            if (bad || failed) break;                                                             \
        }                                                                                         \
    } while (0)

static PyObject *word_scan(PyObject *self, PyObject *args) {
    PyObject *text, *out = NULL;
    Py_buffer classes, pairs, pfirst, pwords, wfirst, wchars;
    if (!PyArg_ParseTuple(args, "Uy*y*y*y*y*y*:word_scan", &text, &classes, &pairs, &pfirst, &pwords, &wfirst, &wchars))
        return NULL;
    Py_ssize_t npw = pwords.len / (Py_ssize_t)sizeof(int32_t), nwc = wchars.len / (Py_ssize_t)sizeof(int32_t);
    Py_ssize_t nwords = wfirst.len / (Py_ssize_t)sizeof(int32_t) - 1;
    if (classes.len != 0x10000 || pairs.len != 0x10000 / 8 || pfirst.len != (0x10000 + 1) * (Py_ssize_t)sizeof(int32_t) ||
        nwords < 0) {
        PyErr_SetString(PyExc_ValueError, "word_scan: tables of inconsistent sizes");
        goto done;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) goto done;
#endif
    out = PyList_New(0);
    if (!out) goto done;
    {
        const uint8_t *cl = (const uint8_t *)classes.buf, *bits = (const uint8_t *)pairs.buf;
        const int32_t *pf = (const int32_t *)pfirst.buf, *pw = (const int32_t *)pwords.buf;
        const int32_t *wf = (const int32_t *)wfirst.buf, *wc = (const int32_t *)wchars.buf;
        int kind = PyUnicode_KIND(text), bad = 0, failed = 0;
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t n = PyUnicode_GET_LENGTH(text);
        if (kind == PyUnicode_1BYTE_KIND) WS_LOOP(Py_UCS1);
        else if (kind == PyUnicode_2BYTE_KIND) WS_LOOP(Py_UCS2);
        else WS_LOOP(Py_UCS4);
        if (bad) PyErr_SetString(PyExc_ValueError, "word_scan: bad table entry");
        if (bad || failed) Py_CLEAR(out);
    }
done:
    PyBuffer_Release(&classes);
    PyBuffer_Release(&pairs);
    PyBuffer_Release(&pfirst);
    PyBuffer_Release(&pwords);
    PyBuffer_Release(&wfirst);
    PyBuffer_Release(&wchars);
    return out;
}
#undef WS_LOOP
#undef WS_CLASS

/*
 * fold_fullwidth(text) -> str
 *
 * Full-width digits, letters, + - . @ _ ( ) and : to ASCII and the ideographic space to a
 * space, one character for one (genguard.detect.pii.base.fold, whose regex substitution is the
 * reference and the fallback). The text itself when nothing is to fold.
 */
static int ff_foldable(Py_UCS4 c) {
    return (c >= 0xFF10 && c <= 0xFF1A) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) ||
           c == 0xFF0B || c == 0xFF0D || c == 0xFF0E || c == 0xFF20 || c == 0xFF3F || c == 0xFF08 || c == 0xFF09 ||
           c == 0x3000;
}

static PyObject *fold_fullwidth(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:fold_fullwidth", &text)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), folds = 0;
    Py_UCS4 maxchar = 0;
    /* first whether anything folds at all (rarely): every foldable character is U+3000 or above */
    if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = (const Py_UCS2 *)data;
        Py_ssize_t i = 0;
        while (i < n && p[i] != 0x3000 && p[i] < 0xFF08) i++;
        if (i == n) { Py_INCREF(text); return text; }
    }
    if (kind != PyUnicode_1BYTE_KIND) {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (ff_foldable(c)) { folds++; c = c == 0x3000 ? ' ' : c - 0xFEE0; }
            if (c > maxchar) maxchar = c;
        }
    }
    if (!folds) { Py_INCREF(text); return text; }
    PyObject *out = PyUnicode_New(n, maxchar);
    if (!out) return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (ff_foldable(c)) c = c == 0x3000 ? ' ' : c - 0xFEE0;
        PyUnicode_WRITE(okind, odata, i, c);
    }
    return out;
}

/*
 * lower(text) -> str or None
 *
 * text.lower(), one character at a time with the simple lower-case mapping: what str.lower()
 * gives for every text without U+0130 (the one character whose full lower case is two
 * characters) and without U+03A3 (capital sigma, whose lower case depends on the next letter);
 * for those None, and the caller uses str.lower(). Why: str.lower() on a text that is not ASCII
 * goes through a four-byte buffer and a full-mapping lookup per character, several times the
 * cost of this pass on the mostly Chinese corpus documents (genguard.detect.pii.base.Doc.lower).
 */
#define LOWER_LOOP(T)                                                                             \
    do {                                                                                          \
        const T *p = (const T *)data;                                                             \
        for (Py_ssize_t i = 0; i < n; i++) {                                                      \
            Py_UCS4 c = p[i];                                                                     \
            if (c < 128) {                                                                        \
                if (c >= 'A' && c <= 'Z') c += 32;                                                \
            } else if (c < 0x2E80 || c >= 0xA000) { /* CJK has no case */                         \
                if (c == 0x0130 || c == 0x03A3) { PyMem_Free(buf); Py_RETURN_NONE; }              \
                c = Py_UNICODE_TOLOWER(c);                                                        \
            }                                                                                     \
            buf[i] = c;                                                                           \
        }                                                                                         \
    } while (0)

static PyObject *lower(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:lower", &text)) return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return NULL;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *buf = (Py_UCS4 *)PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_UCS4));
    if (!buf) return PyErr_NoMemory();
    if (kind == PyUnicode_1BYTE_KIND) LOWER_LOOP(Py_UCS1);
    else if (kind == PyUnicode_2BYTE_KIND) LOWER_LOOP(Py_UCS2);
    else LOWER_LOOP(Py_UCS4);
    /* narrows to the smallest kind that holds the result, as every str must be */
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    PyMem_Free(buf);
    return out;
}

/*
 * spell_pruned(codes, offsets, original, wide, row, lens, classes, grams, width, reach) -> (text, offsets)
 *
 * The pinyin view of a normalised text (``spell`` above, in general: each compact code point c
 * (``codes``, uint32; ``offsets``, int64, its index in ``original``) becomes the non-zero entries
 * of row c of ``wide`` (uint32, rows of equal width; a code point beyond the rows stays itself),
 * each carrying the code point's offset; ``row``: the entries per row; ``lens``: uint8 per row,
 * how many entries lead it before its first zero, so that no row is searched for its end: that
 * search, with its length changing from one character to the next, cost about a tenth of the
 * kernel's time on corpus text),
 * with what no pinyin-key hit can use left out; why each step is sound:
 * genguard/detect/keywords/prune.py.
 *  1. Latin words whose letters are in no key, as far as ``grams`` tells. A word is a maximal run
 *     of compact characters whose original characters are word characters (``classes`` bit 1,
 *     uint8 per code point below its length) with nothing but invisible characters between them
 *     in ``original`` (no visible separator: ``classes`` bit 2). ``grams`` is a bitmap over the
 *     strings of at most ``width`` letters a-z (bijective base 27): a set bit means "occurs in
 *     some key". A word is kept when it is in the set (at most ``width`` letters) or every
 *     ``width``-letter window of it is; a character outside a-z drops the word.
 *  2. Every compact character whose spelled letters all lie ``reach`` or more view positions away
 *     from every character of the kept words.
 * Each run of left-out compact characters becomes one space carrying the first one's offset (no
 * key holds a space; the characters around it keep neighbours of other offsets, as in the view).
 * The helpers below come first.
 */

/* Whether compact[a:b] (``data`` of ``kind``) is kept: a string of at most ``width`` letters whose bit is set, or a longer
 * one whose every ``width``-letter window's bit is (a rolling code: the leaving letter's digit is
 * taken off the top, no division per character). */
static int word_kept(const unsigned char *bits, Py_ssize_t nbits, int width, int kind, const void *data, Py_ssize_t a, Py_ssize_t b) {
    size_t code = 0, top = 1;  /* top: 27 ** (width - 1), the weight of a window's first letter */
    for (int k = 1; k < width; k++) top *= 27;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 'a' || c > 'z') return 0;
        if (i - a >= width) code -= (size_t)(PyUnicode_READ(kind, data, i - width) - 'a' + 1) * top;
        code = code * 27 + (size_t)(c - 'a' + 1);
        if ((i - a + 1 >= width || i + 1 == b) && ((Py_ssize_t)code >= nbits || !((bits[code >> 3] >> (code & 7)) & 1)))
            return 0;
    }
    return 1;
}

enum { KEPT = 1, GONE = 2 };

/* Mark the words of the compact view KEPT or GONE (step 1) and list the kept words' spans in ``kept``
 * (pairs start, end; ``*n_kept`` pairs). Returns 1 when some word is gone, 0 when none is, -1
 * when the offsets are not non-decreasing positions of the original. One copy per kind of the
 * original text (PyUnicode_READ's switch per character cost more than the rest of the loop). */
#define MARK_WORDS(NAME, OTYPE)                                                                        \
static int NAME(unsigned char *mark, Py_ssize_t n, const int64_t *off, const OTYPE *orig,              \
                Py_ssize_t n_orig, const unsigned char *cls, Py_ssize_t n_cls, const unsigned char *bits,\
                Py_ssize_t nbits, int width, int vkind, const void *vdata, Py_ssize_t *kept,           \
                Py_ssize_t *n_kept) {                                                                  \
    int any_gone = 0;                                                                                  \
    Py_ssize_t start = -1; /* first compact position of the current word */                            \
    *n_kept = 0;                                                                                       \
    for (Py_ssize_t i = 0; i <= n; i++) {                                                              \
        int word = 0, joined = 0;                                                                      \
        if (i < n) {                                                                                   \
            if (off[i] < 0 || off[i] >= n_orig || (i && off[i] < off[i - 1])) return -1;               \
            Py_UCS4 c = orig[off[i]];                                                                  \
            word = (Py_ssize_t)c < n_cls && (cls[c] & 1);                                              \
        }                                                                                              \
        if (word && start >= 0) { /* continues the word unless a visible separator lies between */    \
            joined = off[i] > off[i - 1];                                                              \
            for (int64_t j = off[i - 1] + 1; joined && j < off[i]; j++) {                              \
                Py_UCS4 c = orig[j];                                                                   \
                if ((Py_ssize_t)c < n_cls && (cls[c] & 2)) joined = 0;                                 \
            }                                                                                          \
        }                                                                                              \
        if (joined) continue;                                                                          \
        if (start >= 0) {                                                                              \
            if (word_kept(bits, nbits, width, vkind, vdata, start, i)) {                               \
                memset(mark + start, KEPT, (size_t)(i - start));                                       \
                kept[2 * *n_kept] = start;                                                             \
                kept[2 * (*n_kept)++ + 1] = i;                                                         \
            } else {                                                                                   \
                memset(mark + start, GONE, (size_t)(i - start));                                       \
                any_gone = 1;                                                                          \
            }                                                                                          \
        }                                                                                              \
        start = word ? i : -1;                                                                         \
    }                                                                                                  \
    return any_gone;                                                                                   \
}
MARK_WORDS(mark_words_1, Py_UCS1)
MARK_WORDS(mark_words_2, Py_UCS2)
MARK_WORDS(mark_words_4, Py_UCS4)

/* The compact spans that step 2 keeps (step 2 leaves out everything else): around each kept word
 * (compact span [S, E) in ``kept``), the characters before it whose view span ends fewer than
 * ``reach`` view positions before its first letter, the word, and the characters after it whose
 * view span starts fewer than ``reach`` positions after its last letter; overlapping or touching
 * spans are merged. Only the characters near the kept words are read (``len``: each compact
 * character's view length), so a long text with a few kept words costs little past step 1.
 * Written to ``zones`` (pairs start, end; at most ``n_kept`` pairs), their count returned. */
static Py_ssize_t near_zones(Py_ssize_t n, const uint32_t *cp, Py_ssize_t n_rows, const unsigned char *len_of,
                             Py_ssize_t row, Py_ssize_t reach, const Py_ssize_t *kept, Py_ssize_t n_kept,
                             Py_ssize_t *zones) {
#define VIEW_LEN(x) ((Py_ssize_t)cp[x] < n_rows ? (len_of[cp[x]] < row ? (Py_ssize_t)len_of[cp[x]] : row) : 1)
    Py_ssize_t n_zones = 0;
    for (Py_ssize_t j = 0; j < n_kept; j++) {
        Py_ssize_t s = kept[2 * j], e = kept[2 * j + 1];
        Py_ssize_t lo = j > 0 ? kept[2 * j - 1] : 0, hi = j + 1 < n_kept ? kept[2 * j + 2] : n;  /* the gaps */
        /* before: x stays while (view positions from x's last letter to the word's first) < reach */
        Py_ssize_t a = s, acc = 0;
        while (a > lo && acc + 1 < reach) acc += VIEW_LEN(a - 1), a--;
        /* after: x stays while (view positions from the word's last letter to x's first) < reach */
        Py_ssize_t b = e, d = VIEW_LEN(e - 1);
        while (b < hi && d < reach) d += VIEW_LEN(b), b++;
        if (n_zones && a <= zones[2 * n_zones - 1]) zones[2 * n_zones - 1] = b;
        else zones[2 * n_zones] = a, zones[2 * n_zones + 1] = b, n_zones++;
    }
    return n_zones;
#undef VIEW_LEN
}

static PyObject *spell_pruned(PyObject *self, PyObject *args) {
    PyObject *original;
    Py_buffer codes, offs, wide, lens, classes, grams;
    int width;
    Py_ssize_t reach, row;
    if (!PyArg_ParseTuple(args, "y*y*Uy*ny*y*y*in:spell_pruned", &codes, &offs, &original, &wide, &row, &lens,
                          &classes, &grams, &width, &reach))
        return NULL;
    PyObject *result = NULL;
    unsigned char *mark = NULL;
    Py_ssize_t *kept = NULL, *zones = NULL;
    int64_t *out_offs = NULL;
    PyObject *offs_obj = NULL;
    Py_UCS4 *out = NULL;
    Py_ssize_t n = items(&codes, 4, "codes"), n_offs = items(&offs, 8, "offsets");
    if (n < 0 || n_offs < 0) goto done;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(original) < 0) goto done;
#endif
    Py_ssize_t n_orig = PyUnicode_GET_LENGTH(original);
    if (n != n_offs || width < 1 || width > 12 || reach < 1 || row < 1 || wide.len % (4 * row) != 0
        || lens.len != wide.len / (4 * row)) {
        PyErr_SetString(PyExc_ValueError, "spell_pruned: codes and offsets of one length, width 1..12, reach >= 1, "
                                          "wide rows of row uint32, one length per row");
        goto done;
    }
    const uint32_t *cp = (const uint32_t *)codes.buf, *rows = (const uint32_t *)wide.buf;
    const int64_t *off = (const int64_t *)offs.buf;
    const unsigned char *len_of = (const unsigned char *)lens.buf;
    /* a row's length, never beyond the row (a wrong table must not read past the rows) */
#define ROW_LEN(c) (len_of[c] < row ? (Py_ssize_t)len_of[c] : row)
    Py_ssize_t n_rows = wide.len / (4 * row);
    mark = (unsigned char *)calloc((size_t)(n ? n : 1), 1);
    kept = (Py_ssize_t *)malloc((size_t)(n ? n : 1) * 2 * sizeof(Py_ssize_t));  /* at most n words */
    if (!mark || !kept) { PyErr_NoMemory(); goto done; }
    const unsigned char *cls = (const unsigned char *)classes.buf, *bits = (const unsigned char *)grams.buf;
    int okind = PyUnicode_KIND(original), status;
    const void *odata = PyUnicode_DATA(original);
    Py_ssize_t n_kept = 0, nbits = grams.len * 8;
    if (okind == PyUnicode_1BYTE_KIND)
        status = mark_words_1(mark, n, off, (const Py_UCS1 *)odata, n_orig, cls, classes.len, bits, nbits, width,
                              PyUnicode_4BYTE_KIND, cp, kept, &n_kept);
    else if (okind == PyUnicode_2BYTE_KIND)
        status = mark_words_2(mark, n, off, (const Py_UCS2 *)odata, n_orig, cls, classes.len, bits, nbits, width,
                              PyUnicode_4BYTE_KIND, cp, kept, &n_kept);
    else
        status = mark_words_4(mark, n, off, (const Py_UCS4 *)odata, n_orig, cls, classes.len, bits, nbits, width,
                              PyUnicode_4BYTE_KIND, cp, kept, &n_kept);
    if (status < 0) {
        PyErr_SetString(PyExc_ValueError, "spell_pruned: offsets must be non-decreasing positions in the original");
        goto done;
    }
    zones = (Py_ssize_t *)malloc((size_t)(n_kept ? n_kept : 1) * 2 * sizeof(Py_ssize_t));
    if (!zones) { PyErr_NoMemory(); goto done; }
    Py_ssize_t n_zones = near_zones(n, cp, n_rows, len_of, row, reach, kept, n_kept, zones), cap = 1;
    for (Py_ssize_t z = 0; z < n_zones; z++)  /* room for two letters per zone character; grown if short */
        cap += 1 + 2 * (zones[2 * z + 1] - zones[2 * z]);
    cap += row;
    out = (Py_UCS4 *)PyMem_Malloc((size_t)cap * sizeof(Py_UCS4));
    out_offs = (int64_t *)bytes_buffer(&offs_obj, cap * (Py_ssize_t)sizeof(int64_t));
    if (!out) PyErr_NoMemory();
    if (!out || !out_offs) goto done;
    /* the kept zones spelled, each run of left-out characters (the gaps between zones, the words
       of step 1 inside them) one space with its first character's offset */
    Py_ssize_t m = 0, at = 0;
    int gone = 0;  /* the last character looked at was left out */
    for (Py_ssize_t z = 0; z <= n_zones; z++) {
        Py_ssize_t zs = z < n_zones ? zones[2 * z] : n, ze = z < n_zones ? zones[2 * z + 1] : n;
        if (at < zs) {  /* a gap: left out */
            if (!gone) out[m] = ' ', out_offs[m++] = off[at];
            gone = 1;
        }
        for (Py_ssize_t i = zs; i < ze; i++) {
            if (m + row + 1 > cap) {  /* a space or a row more must fit */
                cap *= 2;
                Py_UCS4 *grown = (Py_UCS4 *)PyMem_Realloc(out, (size_t)cap * sizeof(Py_UCS4));
                if (!grown) { PyErr_NoMemory(); goto done; }
                out = grown;
                if (_PyBytes_Resize(&offs_obj, cap * (Py_ssize_t)sizeof(int64_t)) < 0) goto done;
                out_offs = (int64_t *)PyBytes_AS_STRING(offs_obj);
            }
            if (mark[i] == GONE) {
                if (!gone) out[m] = ' ', out_offs[m++] = off[i];
                gone = 1;
                continue;
            }
            gone = 0;
            if ((Py_ssize_t)cp[i] >= n_rows) {
                out[m] = cp[i];
                out_offs[m++] = off[i];
                continue;
            }
            const uint32_t *r = rows + (size_t)cp[i] * (size_t)row;
            for (Py_ssize_t k = 0, len = ROW_LEN(cp[i]); k < len; k++) {
                out[m] = r[k];
                out_offs[m++] = off[i];
            }
        }
        at = ze;
    }
    {
        PyObject *t = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, m);
        if (t && _PyBytes_Resize(&offs_obj, m * (Py_ssize_t)sizeof(int64_t)) == 0) result = PyTuple_Pack(2, t, offs_obj);
        Py_XDECREF(t);
    }
done:
    free(mark);
    free(kept);
    free(zones);
    Py_XDECREF(offs_obj);
    PyMem_Free(out);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&offs);
    PyBuffer_Release(&wide);
#undef ROW_LEN
    PyBuffer_Release(&lens);
    PyBuffer_Release(&classes);
    PyBuffer_Release(&grams);
    return result;
}

/*
 * utf8_spans(data, found) -> list of (pattern, start, end)
 *
 * ``found`` as a bytes Aho-Corasick automaton reports its matches in ``data`` (the UTF-8 of a
 * text): (pattern, start byte, end byte) tuples. Returns them with the offsets turned into code
 * point offsets of the text, in one pass over the bytes up to the last offset (a code point
 * starts at every byte that is not 10xxxxxx). Why: the str interface of the automaton builds an
 * 8-byte entry for every byte of every text it scans to map its offsets back, which was more
 * memory written per corpus document than the scan itself read; a text has a few matches.
 */
typedef struct {
    Py_ssize_t at; /* byte offset */
    Py_ssize_t slot; /* 2 * match + (0 start, 1 end) */
} utf8_pos_t;

static int utf8_pos_cmp(const void *a, const void *b) {
    Py_ssize_t x = ((const utf8_pos_t *)a)->at, y = ((const utf8_pos_t *)b)->at;
    return (x > y) - (x < y);
}

static PyObject *utf8_spans(PyObject *self, PyObject *args) {
    Py_buffer data;
    PyObject *found;
    if (!PyArg_ParseTuple(args, "y*O!:utf8_spans", &data, &PyList_Type, &found)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t k = PyList_GET_SIZE(found);
    utf8_pos_t *pos = (utf8_pos_t *)malloc((size_t)(2 * k + 1) * sizeof(utf8_pos_t));
    Py_ssize_t *chars = (Py_ssize_t *)malloc((size_t)(2 * k + 1) * sizeof(Py_ssize_t));
    PyObject **pattern = (PyObject **)malloc((size_t)(k + 1) * sizeof(PyObject *));
    if (!pos || !chars || !pattern) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *t = PyList_GET_ITEM(found, i);
        Py_ssize_t a, b;
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 3) {
            PyErr_SetString(PyExc_ValueError, "utf8_spans: each match must be a (pattern, start, end) tuple");
            goto done;
        }
        pattern[i] = PyTuple_GET_ITEM(t, 0);
        a = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 1));
        b = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 2));
        if ((a == -1 || b == -1) && PyErr_Occurred()) goto done;
        if (a < 0 || b < a || b > data.len) {
            PyErr_SetString(PyExc_ValueError, "utf8_spans: a match lies outside the data");
            goto done;
        }
        pos[2 * i].at = a;
        pos[2 * i].slot = 2 * i;
        pos[2 * i + 1].at = b;
        pos[2 * i + 1].slot = 2 * i + 1;
    }
    qsort(pos, (size_t)(2 * k), sizeof(utf8_pos_t), utf8_pos_cmp);
    {
        const unsigned char *p = (const unsigned char *)data.buf;
        Py_ssize_t byte = 0, cp = 0;
        for (Py_ssize_t j = 0; j < 2 * k; j++) {
            for (; byte < pos[j].at; byte++) cp += (p[byte] & 0xC0) != 0x80;
            chars[pos[j].slot] = cp;
        }
    }
    result = PyList_New(k);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *t = Py_BuildValue("(Onn)", pattern[i], chars[2 * i], chars[2 * i + 1]);
        if (!t) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, i, t);
    }
done:
    free(pos);
    free(chars);
    free(pattern);
    PyBuffer_Release(&data);
    return result;
}

static PyMethodDef methods[] = {
    {"spell_pruned", spell_pruned, METH_VARARGS, "(pinyin text, offsets) without what no pinyin key can use."},
    {"spell", spell, METH_VARARGS, "(pinyin text, its offsets) of compact codes, or None."},
    {"ascii_runs", ascii_runs, METH_VARARGS, "(start, end) pairs of the maximal runs of a set of ASCII characters."},
    {"digit_windows", digit_windows, METH_VARARGS, "The PII recognisers' regions around digit clusters."},
    {"word_scan", word_scan, METH_VARARGS, "Every occurrence of a set of words, found by their first two characters."},
    {"pii_flags", pii_flags, METH_VARARGS, "Digit, CJK and MAC-shape bits of a text, in one pass."},
    {"fold_fullwidth", fold_fullwidth, METH_VARARGS, "Full-width ASCII to half-width, length-preserving."},
    {"lower", lower, METH_VARARGS, "str.lower() by the simple mapping, or None for U+0130 and U+03A3."},
    {"views", views, METH_VARARGS, "(compact, compact_codes, offsets, literal, soft) of a text, or None."},
    {"utf8_spans", utf8_spans, METH_VARARGS, "Byte-offset matches in UTF-8 data as code point offsets."},
    {"script_counts", script_counts, METH_VARARGS, "(Han characters, ASCII letters) among a text's first characters."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fold", "Compiled text folding.", -1, methods};

PyMODINIT_FUNC PyInit__fold(void) { return PyModule_Create(&module); }
