# cython: language_level=3, boundscheck=False, wraparound=False
"""The tokeniser's hot loops compiled: word scanning, n-grams and vocabulary look-ups.

lambda_src/tokenizer.py is the reference and chooses this module when it is built (``make install``)
and of its ``TOKENIZER_VERSION``; its ``PURE`` functions take the same arguments and give the same
output, proven on arbitrary text (tests/unit/test_tokenizer_compiled.py) and on every IMDB review
(tests/integration/test_tokenizer_parity.py). Normalisation and the contraction rules stay in the
pure module (they are C-speed string methods or rare); only the per-character scan of the regular
expression ``\\d+(?:\\.\\d+)?/\\d+|[^\\W_]+(?:'[^\\W_]+)*|[!?]`` and the per-n-gram work are here,
which is where a review's time goes. Any change here must keep parity or bump the version in both.
"""

from cpython.bytes cimport PyBytes_AS_STRING
from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject, PyObject_Hash
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    PyUnicode_DATA,
    PyUnicode_KIND,
    PyUnicode_READ,
    PyUnicode_Substring,
)

TOKENIZER_VERSION = "1"
cdef enum:
    FILTER_BITS = 1 << 20  # 128 kB: stays in the CPU cache where a 100,000-term dict does not


cdef inline bint _maybe_in(const unsigned char *bits, Py_hash_t h):
    """Both filter bits of hash ``h`` set: the term may be in the index (never False for a term that is)."""
    cdef size_t a = <size_t>h & (FILTER_BITS - 1), b = (<size_t>h >> 32) & (FILTER_BITS - 1)
    return (bits[a >> 3] >> (a & 7)) & (bits[b >> 3] >> (b & 7)) & 1


def term_filter(dict index):
    """A Bloom filter of the index's terms (two bits of each term's ``hash``), for ``known``.

    Two of every three n-grams of a review are not in the vocabulary, and a dict look-up that misses still
    reads memory the size of the vocabulary: the filter answers most of those from the cache (about 3 %
    of unknown n-grams pass it and are looked up as before). ``hash`` is per process, like the filter.
    """
    cdef bytearray bits = bytearray(FILTER_BITS // 8)
    cdef unsigned char *data = bits
    cdef Py_hash_t h
    cdef size_t a, b
    for term in index:
        h = PyObject_Hash(term)
        a = <size_t>h & (FILTER_BITS - 1)
        b = (<size_t>h >> 32) & (FILTER_BITS - 1)
        data[a >> 3] |= 1 << (a & 7)
        data[b >> 3] |= 1 << (b & 7)
    return bytes(bits)


cdef inline bint _alnum(Py_UCS4 c):
    """``[^\\W_]`` of a Unicode pattern: Python's ``str.isalnum`` of one character."""
    if c < 128:
        return u'0' <= c <= u'9' or u'a' <= c <= u'z' or u'A' <= c <= u'Z'
    return Py_UNICODE_ISALNUM(c)


cdef inline bint _decimal(Py_UCS4 c):
    """``\\d`` of a Unicode pattern: a decimal digit of any script."""
    if c < 128:
        return u'0' <= c <= u'9'
    return Py_UNICODE_ISDECIMAL(c)


cdef inline Py_ssize_t _skip_alnum(int kind, void *data, Py_ssize_t i, Py_ssize_t n):
    while i < n and _alnum(PyUnicode_READ(kind, data, i)):
        i += 1
    return i


cdef inline Py_ssize_t _skip_decimals(int kind, void *data, Py_ssize_t i, Py_ssize_t n):
    while i < n and _decimal(PyUnicode_READ(kind, data, i)):
        i += 1
    return i


cdef inline bint _at(int kind, void *data, Py_ssize_t i, Py_ssize_t n, Py_UCS4 c):
    """Character ``c`` at ``i`` followed by a decimal digit (a rating's "." or "/")."""
    return i + 1 < n and PyUnicode_READ(kind, data, i) == c and _decimal(PyUnicode_READ(kind, data, i + 1))


cdef Py_ssize_t _rating_end(int kind, void *data, Py_ssize_t i, Py_ssize_t n):
    """End of ``\\d+(?:\\.\\d+)?/\\d+`` matched at ``i`` (a decimal digit), or -1: the regex's backtracking,
    which can only drop the optional fraction (a shorter digit run is followed by a digit)."""
    cdef Py_ssize_t j = _skip_decimals(kind, data, i + 1, n), k
    if _at(kind, data, j, n, u'.'):
        k = _skip_decimals(kind, data, j + 2, n)
        if _at(kind, data, k, n, u'/'):
            return _skip_decimals(kind, data, k + 2, n)
    if _at(kind, data, j, n, u'/'):
        return _skip_decimals(kind, data, j + 2, n)
    return -1


def split_words(str text, split_contraction):
    """The word tokens of a normalised text, as ``PURE.split_words``: ``findall`` of the token pattern,
    each token with an apostrophe replaced by the parts ``split_contraction`` gives it."""
    cdef Py_ssize_t n = len(text), i = 0, j
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    cdef bint apostrophe
    cdef list out = []
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        if _decimal(c):
            j = _rating_end(kind, data, i, n)
            if j >= 0:
                out.append(PyUnicode_Substring(text, i, j))
                i = j
                continue
        if _alnum(c):
            j = _skip_alnum(kind, data, i + 1, n)
            apostrophe = False
            while j + 1 < n and PyUnicode_READ(kind, data, j) == u"'" and _alnum(PyUnicode_READ(kind, data, j + 1)):
                apostrophe = True
                j = _skip_alnum(kind, data, j + 2, n)
            if apostrophe:
                out.extend([part for part in split_contraction(PyUnicode_Substring(text, i, j)) if part])
            else:
                out.append(PyUnicode_Substring(text, i, j))
            i = j
        elif c == u'!' or c == u'?':
            out.append(PyUnicode_Substring(text, i, i + 1))
            i += 1
        else:
            i += 1
    return out


cdef inline str _gram(list tokens, Py_ssize_t i, Py_ssize_t n):
    """Tokens ``i .. i+n-1`` joined by spaces (f-strings of typed strings allocate once)."""
    cdef str a = tokens[i], b = tokens[i + 1], c
    if n == 2:
        return f"{a} {b}"
    if n == 3:
        c = tokens[i + 2]
        return f"{a} {b} {c}"
    return " ".join(tokens[i : i + n])


def ngrams(tokens, Py_ssize_t ngram_min, Py_ssize_t ngram_max):
    """All 1-grams, then all 2-grams, ..., as ``PURE.ngrams``."""
    cdef list words = tokens if type(tokens) is list else list(tokens)
    cdef list out = []
    cdef Py_ssize_t n, i
    for n in range(ngram_min, ngram_max + 1):
        if n == 1:
            out.extend(words)
        else:
            for i in range(len(words) - n + 1):
                out.append(_gram(words, i, n))
    return out


def known(tokens, dict index, Py_ssize_t ngram_min, Py_ssize_t ngram_max, bytes term_filter=None):
    """The vocabulary indices of the n-grams ``index`` holds, in n-gram order (``PURE.known`` without its
    ``None`` for each unknown n-gram): each n-gram is looked up and dropped as soon as it is built, and
    with ``term_filter`` (``term_filter(index)``) only looked up if the filter may hold it."""
    cdef list words = tokens if type(tokens) is list else list(tokens)
    cdef list out = []
    cdef Py_ssize_t n, i
    cdef PyObject *found
    cdef str gram
    cdef const unsigned char *bits = NULL
    if term_filter is not None:
        if len(term_filter) != FILTER_BITS // 8:
            raise ValueError("term_filter is not a filter of term_filter()")
        bits = <const unsigned char *>PyBytes_AS_STRING(term_filter)
    for n in range(ngram_min, ngram_max + 1):
        for i in range(len(words) - n + 1):
            gram = words[i] if n == 1 else _gram(words, i, n)
            if bits is not NULL and not _maybe_in(bits, PyObject_Hash(gram)):
                continue
            found = PyDict_GetItem(index, gram)
            if found is not NULL:
                out.append(<object>found)
    return out
