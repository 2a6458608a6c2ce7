# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The tokeniser's hot loops compiled: word scanning, n-grams and the vocabulary look-ups of ``vector``.

lambda_src/tokenizer.py is the reference and chooses this module when it is built (``make install``)
and of its ``TOKENIZER_VERSION``; its ``PURE`` functions take the same arguments and give the same
output, proven on arbitrary text (tests/unit/test_tokenizer_compiled.py) and on every IMDB review
(tests/integration/test_tokenizer_parity.py). Normalisation and the contraction rules stay in the
pure module (they are C-speed string methods or rare); only the per-character scan of the regular
expression ``\\d+(?:\\.\\d+)?/\\d+|[^\\W_]+(?:'[^\\W_]+)*|[!?]`` and the per-n-gram work are here,
which is where a review's time goes. Any change here must keep parity or bump the version in both.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    PyUnicode_DATA,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_READ,
    PyUnicode_Substring,
)
from libc.stdint cimport int32_t, uint32_t, uint64_t
from libc.stdlib cimport qsort
from libc.string cimport memset

TOKENIZER_VERSION = "1"
cdef enum:
    FILTER_BITS = 1 << 20  # 128 kB: stays in the CPU cache where the 100,000-term table does not
cdef uint64_t BASE = 0x100000001B3  # odd: the polynomial hash below, modulo 2**64
cdef uint64_t SPACE = 32  # the code point that joins the tokens of an n-gram
# MurmurHash3's 64-bit finaliser constants, and the golden ratio to mix in a length.
cdef uint64_t GOLDEN = 0x9E3779B97F4A7C15, FMIX1 = 0xFF51AFD7ED558CCD, FMIX2 = 0xC4CEB93FE53D1A85


cdef inline uint64_t _mix(uint64_t h, uint64_t length):
    """The finaliser of MurmurHash3 over the polynomial hash and the length: every bit depends on every
    bit, which the polynomial's low bits (used for the slot) do not on their own."""
    h ^= length * GOLDEN
    h ^= h >> 33
    h *= FMIX1
    h ^= h >> 33
    h *= FMIX2
    h ^= h >> 33
    return h


cdef inline uint64_t _poly(str text, uint64_t *power):
    """``sum(ord(c) * BASE**(len-1-i))`` modulo 2**64, and ``BASE**len`` in ``power``: the hash of a
    concatenation follows from its parts' (``h(a + b) == h(a) * BASE**len(b) + h(b)``), so an n-gram's
    hash is computed from its tokens' without building the n-gram's string."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef uint64_t h = 0, p = 1
    for i in range(n):
        h = h * BASE + <uint64_t>PyUnicode_READ(kind, data, i)
        p *= BASE
    power[0] = p
    return h


cdef struct Slot:
    uint32_t tag  # the mixed hash's high 32 bits
    int32_t index  # the term's position in the vocabulary, -1 for an empty slot


cdef class TermTable:
    """The vocabulary's terms -> indices as a C open-addressing table, with a Bloom filter in front.

    A Python dict look-up needs the n-gram as a string (built, then hashed) and, at 100,000 terms, a few
    cache misses even when it misses, which two of every three n-grams of a review do. Here an n-gram's
    hash comes from its tokens' (``_poly``), the 128 kB filter answers most misses from the cache, and a
    hit is confirmed by comparing the term's characters with the tokens', so the answer is the dict's.
    The hash depends only on the characters, not on ``PYTHONHASHSEED``.
    """

    cdef Slot *slots
    cdef uint64_t mask
    cdef unsigned char *bits
    cdef list terms

    def __cinit__(self, dict index):
        cdef Py_ssize_t capacity = 16
        cdef uint64_t h, power, slot
        cdef str term
        while capacity < 2 * len(index):
            capacity *= 2
        self.slots = <Slot *>PyMem_Malloc(capacity * sizeof(Slot))
        self.bits = <unsigned char *>PyMem_Malloc(FILTER_BITS // 8)
        if self.slots is NULL or self.bits is NULL:
            raise MemoryError()
        memset(self.slots, 0xFF, capacity * sizeof(Slot))  # index -1: empty
        memset(self.bits, 0, FILTER_BITS // 8)
        self.mask = capacity - 1
        self.terms = [None] * len(index)
        for term, position in index.items():
            if not 0 <= position < len(index) or self.terms[position] is not None:
                raise ValueError("the index must map its terms to 0 .. len(index) - 1")
            self.terms[position] = term
            h = _mix(_poly(term, &power), PyUnicode_GET_LENGTH(term))
            self.bits[(h >> 20) % FILTER_BITS >> 3] |= 1 << ((h >> 20) & 7)
            self.bits[(h >> 40) % FILTER_BITS >> 3] |= 1 << ((h >> 40) & 7)
            slot = h & self.mask
            while self.slots[slot].index >= 0:
                slot = (slot + 1) & self.mask
            self.slots[slot].tag = <uint32_t>(h >> 32)
            self.slots[slot].index = position

    def __dealloc__(self):
        PyMem_Free(self.slots)
        PyMem_Free(self.bits)

    cdef inline int32_t find(self, list words, Py_ssize_t start, Py_ssize_t n, uint64_t h, Py_ssize_t length):
        """The index of the term equal to ``" ".join(words[start:start + n])`` (hash ``h`` of ``_mix``,
        ``length`` characters), or -1."""
        cdef uint64_t slot
        cdef uint32_t tag = <uint32_t>(h >> 32)
        cdef int32_t position
        if not (self.bits[(h >> 20) % FILTER_BITS >> 3] >> ((h >> 20) & 7)) & 1:
            return -1
        if not (self.bits[(h >> 40) % FILTER_BITS >> 3] >> ((h >> 40) & 7)) & 1:
            return -1
        slot = h & self.mask
        while True:
            position = self.slots[slot].index
            if position < 0:
                return -1
            if self.slots[slot].tag == tag and _equals(self.terms[position], words, start, n, length):
                return position
            slot = (slot + 1) & self.mask


cdef bint _equals(str term, list words, Py_ssize_t start, Py_ssize_t n, Py_ssize_t length):
    """``term == " ".join(words[start:start + n])``, without building the right-hand side."""
    cdef int kind = PyUnicode_KIND(term)
    cdef void *data = PyUnicode_DATA(term)
    cdef Py_ssize_t at = 0, k, i, size
    cdef str word
    cdef int word_kind
    cdef void *word_data
    if PyUnicode_GET_LENGTH(term) != length:
        return False
    for k in range(n):
        if k:
            if <uint64_t>PyUnicode_READ(kind, data, at) != SPACE:
                return False
            at += 1
        word = words[start + k]
        word_kind = PyUnicode_KIND(word)
        word_data = PyUnicode_DATA(word)
        size = PyUnicode_GET_LENGTH(word)
        for i in range(size):
            if PyUnicode_READ(kind, data, at + i) != PyUnicode_READ(word_kind, word_data, i):
                return False
        at += size
    return True


def term_table(dict index):
    """The ``TermTable`` of ``index`` (term -> position 0 .. len - 1), built once per vocabulary for ``vector``."""
    return TermTable(index)


cdef int _ascending(const void *a, const void *b) noexcept nogil:
    cdef int32_t x = (<const int32_t *>a)[0], y = (<const int32_t *>b)[0]
    return (x > y) - (x < y)


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


def vector(tokens, TermTable table, Py_ssize_t ngram_min, Py_ssize_t ngram_max, bint binary):
    """The sparse vector of a token list as ``PURE.vector``: (strictly increasing indices, values), each value
    the n-gram's count or 1.0 if ``binary``. N-grams are hashed from their tokens' hashes and looked up in
    ``table`` (``term_table(index)``) without being built; the indices found are counted in a C array."""
    cdef list words = tokens if type(tokens) is list else list(tokens)
    cdef Py_ssize_t count = len(words), n, i, k, found = 0, length, run
    cdef uint64_t *hashes = NULL
    cdef uint64_t *powers = NULL
    cdef Py_ssize_t *lengths = NULL
    cdef int32_t *hits = NULL
    cdef int32_t position
    cdef uint64_t h
    cdef list indices = [], values = []
    if count == 0:
        return indices, values
    hashes = <uint64_t *>PyMem_Malloc(count * sizeof(uint64_t))
    powers = <uint64_t *>PyMem_Malloc(count * sizeof(uint64_t))
    lengths = <Py_ssize_t *>PyMem_Malloc(count * sizeof(Py_ssize_t))
    hits = <int32_t *>PyMem_Malloc(count * (ngram_max - ngram_min + 1) * sizeof(int32_t))
    try:
        if hashes is NULL or powers is NULL or lengths is NULL or hits is NULL:
            raise MemoryError()
        for i in range(count):
            hashes[i] = _poly(words[i], &powers[i])
            lengths[i] = PyUnicode_GET_LENGTH(words[i])
        for n in range(ngram_min, ngram_max + 1):
            for i in range(count - n + 1):
                h = hashes[i]
                length = lengths[i]
                for k in range(i + 1, i + n):
                    h = (h * BASE + SPACE) * powers[k] + hashes[k]
                    length += 1 + lengths[k]
                position = table.find(words, i, n, _mix(h, length), length)
                if position >= 0:
                    hits[found] = position
                    found += 1
        qsort(hits, found, sizeof(int32_t), _ascending)
        i = 0
        while i < found:
            run = i + 1
            while run < found and hits[run] == hits[i]:
                run += 1
            indices.append(hits[i])
            values.append(1.0 if binary else <double>(run - i))
            i = run
        return indices, values
    finally:
        PyMem_Free(hashes)
        PyMem_Free(powers)
        PyMem_Free(lengths)
        PyMem_Free(hits)
