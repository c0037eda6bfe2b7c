"""An open-addressing hash table from non-negative int64 keys to int64 values, probed with numpy.

Why: the classifiers look up every character n-gram of a text (~17,000 keys for a 7 KB corpus
document) in the ~164,000 n-grams the loaded models know. A sorted index needs a sort of the
text's keys plus a binary search each (about 17 dependent, cache-missing reads per key); this
table needs one multiplicative hash and, at a load factor of at most 1/2, one or two reads per
key, all issued as one vectorised gather per probe round. Results equal the sorted index's
exactly: a key's value, or -1 when the table does not hold it.

Size: int64 keys and int32 values at load <= 1/2, ~6 MB for the shipped models. A sparser
int64/int64 table (load 1/4, 16 MB) probed faster alone but slowed the whole guard, whose other
tables (keyword automata, fold tables) then fell out of the shared cache more often.

Layout: ``2**bits`` slots of (key, value) with linear probing; an empty slot holds key -1
(valid keys are >= 0). Built once per vocabulary at model-load time; read-only afterwards, so
threads share it without locks.
"""

from __future__ import annotations

import numpy as np

_EMPTY = -1
_INT32_MAX = 2**31 - 1
# Fibonacci hashing: the top bits of key * 2**64/phi spread packed n-gram keys (whose low bits
# are a code point and so cluster) evenly over the slots.
_MULT = np.uint64(0x9E3779B97F4A7C15)


class KeyTable:
    """Immutable map from int64 keys to int32-range values; :meth:`get` looks up a whole array
    of keys at once and answers int64."""

    __slots__ = ("_bits", "_keys", "_max_probe", "_slots", "_vals")

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        if len(keys) != len(values):
            raise ValueError("keys and values differ in length")
        if len(keys) and int(keys.min()) < 0:
            raise ValueError("keys must be non-negative")
        if len(np.unique(keys)) != len(keys):
            raise ValueError("keys must be distinct")
        if len(values) and (int(values.min()) < 0 or int(values.max()) > _INT32_MAX):
            raise ValueError("values must lie in 0..2**31-1")
        bits = max(4, int(2 * max(len(keys), 1) - 1).bit_length())  # load factor <= 1/2
        size = 1 << bits
        self._bits = bits
        # keys and values in separate flat arrays: a probe gathers only keys (1-D ``take`` is
        # several times cheaper than a gather of (key, value) rows); values are read for hits
        self._keys = np.full(size, _EMPTY, dtype=np.int64)
        self._vals = np.full(size, -1, dtype=np.int32)
        self._max_probe = 0
        self._slots: np.ndarray | None = None
        pending = np.arange(len(keys))
        slot = self._home(keys)
        probe = 0
        while len(pending):
            # place each pending key whose slot is free; of several keys wanting one free slot
            # the first wins, the others (and keys meeting a taken slot) try the next slot
            free = self._keys[slot] == _EMPTY
            first = np.zeros(len(pending), dtype=bool)
            _, win = np.unique(slot[free], return_index=True)
            first[np.flatnonzero(free)[win]] = True
            placed = pending[first]
            self._keys[slot[first]] = keys[placed]
            self._vals[slot[first]] = values[placed]
            if first.any():
                self._max_probe = probe
            pending, slot = pending[~first], (slot[~first] + 1) & (size - 1)
            probe += 1

    def slots(self) -> tuple[np.ndarray, int]:
        """((2**bits, 2) int64 array of each slot's key and value, bits): the layout the compiled
        kernels probe (built on first use). Why interleaved: a probe then reads one cache line,
        not one in the keys and one in the values; numpy's :meth:`get` gathers keys alone, so it
        keeps the two flat arrays."""
        if self._slots is None:
            self._slots = np.column_stack([self._keys, self._vals.astype(np.int64)])
        return self._slots, self._bits

    def __len__(self) -> int:
        return int((self._keys != _EMPTY).sum())

    def _home(self, keys: np.ndarray) -> np.ndarray:
        """Each key's first slot: the top ``bits`` bits of key * _MULT (mod 2**64)."""
        return ((keys.view(np.uint64) * _MULT) >> np.uint64(64 - self._bits)).view(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key (-1 for keys not in the table), in the order given."""
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        slot = self._home(keys)
        held = self._keys.take(slot)
        out = self._vals.take(slot).astype(np.int64)  # -1 in empty slots
        hit = held == keys
        out[~hit] = -1
        # a key goes on probing only past slots holding other keys (an empty slot ends it)
        todo = np.flatnonzero(~hit & (held != _EMPTY))
        want, slot = keys[todo], slot[todo]
        mask = (1 << self._bits) - 1
        for _ in range(self._max_probe):
            if not len(todo):
                break
            slot = (slot + 1) & mask
            held = self._keys.take(slot)
            hit = held == want
            out[todo[hit]] = self._vals.take(slot[hit])
            more = ~hit & (held != _EMPTY)
            want, todo, slot = want[more], todo[more], slot[more]
        return out
