"""The search index's article records (``search/d/``) and their code book (``search/dict.bin``).

A record piece is JSON (see ``index.records``). It is stored in a ranked
code, then raw deflate primed with a small preset dictionary written in that
code. The ranked code gives each character of the archive's common stock
one byte or two, by how often it occurs:

* byte 0-239: one of the 240 most common characters (ASCII included, so the
  JSON's own marks take one byte);
* byte 240-254, then one byte: one of 15 pages of 256 less common characters;
* byte 255, then three bytes: any other character by its code point (the
  tiers hold BMP characters only, so one beyond it is always written so).

UTF-8 spends three bytes on every Chinese character; the ranked code spends
one on the most common ones and two on the rest, and deflate's Huffman codes
then work on whole characters. On 8,263 People's Daily articles the records
are 18% smaller than in UTF-8 with a 32 KB dictionary (15.7 -> 12.9 MB), and
the dictionary matters much less, so it is kept small: dict.bin is
downloaded before the first record of a search (15.3 -> 11 KB).

``dict.bin`` is the start of a raw deflate stream, ended on a byte boundary
(no final block). Inflated it holds the code book, then the dictionary::

    varint tiers, then per tier: varint count, then the characters' code
    points in increasing order as varint gaps (tier 0: the one-byte
    characters; tier p: page p, second byte = place in the list)

A record is deflated with all of it (code book and dictionary) as the
preset dictionary; ``meta.json``'s ``dict`` is its length. The browser
inflates ``dict.bin`` followed by a record, so the record's references reach
back into it, and cuts that length off.

Within a tier the order of the characters changes nothing for deflate (its
Huffman codes depend on how often a byte occurs, not on its value), so they
are listed by code point: small gaps, a third of the size of a ranked list.
"""
from __future__ import annotations

import functools
import itertools
import json
import operator
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from .varint import read_varint, read_varints, varints

ONE = 240       # byte values for the most common characters
PAGES = 15      # byte values ONE.. ONE + PAGES - 1 start a two-byte code
ESCAPE = 255    # then a code point in three bytes
PAGE = 256
# The preset dictionary's bytes (in the ranked code). Measured on 8,263 People's
# Daily articles: 32 KB made the records 2% smaller than 8 KB, but dict.bin
# 18 KB larger, which every first search downloads.
DICT_ROOM = 8_000
# Its strings are counted in every third record piece of the sample: at 10,000
# articles that took 0.6 CPU s instead of 1.8, for records 0.3% larger.
GRAM_EVERY = 3
LEVEL = 9


_OUTSIDE = re.compile("[^\x00-\xff]")


def _escape(ch: str) -> str:
    cp = ord(ch)
    return chr(ESCAPE) + chr(cp >> 16) + chr(cp >> 8 & 0xFF) + chr(cp & 0xFF)


@dataclass(frozen=True)
class Codec:
    """The ranked code and the preset dictionary of an index's records."""
    tiers: tuple[str, ...]  # tiers[0]: one-byte characters; tiers[p]: page p; each in code point order
    zdict: bytes            # the preset dictionary, in the ranked code

    @staticmethod
    def choose(sample: Sequence[str]) -> "Codec":
        """The code and dictionary for records like the sample (record JSON texts)."""
        counts: Counter[str] = Counter()
        for text in sample:
            counts.update(text)
        # (Characters beyond the BMP are always escaped: the code table is a list of 65,536.)
        ranked = sorted((ch for ch in counts if ch <= "\uffff"), key=lambda ch: (-counts[ch], ch))
        tiers = [ranked[:ONE]]
        tiers += [ranked[i:i + PAGE] for i in range(ONE, min(len(ranked), ONE + PAGES * PAGE), PAGE)]
        codec = Codec(tuple("".join(sorted(t)) for t in tiers), b"")
        return Codec(codec.tiers, codec._dictionary(sample[::GRAM_EVERY]))

    def _dictionary(self, sample: Sequence[str]) -> bytes:
        """The sample's most common strings of 2-4 characters, by bytes saved
        (count * coded length); the best go last, nearest the record, where
        references are cheapest. A string inside one chosen before it adds
        nothing (deflate finds it there): leaving those out made the records
        0.8% smaller in the same 8 KB."""
        counts: Counter[str] = Counter()
        for text in sample:
            grams = list(map(operator.add, text, text[1:]))  # C loops: this runs over every character
            counts.update(grams)
            grams = list(map(operator.add, grams, text[2:]))
            counts.update(grams)
            counts.update(map(operator.add, grams, text[3:]))
        # Only the best few thousand can fit: those with the highest counts
        # (a gram's coded length is 2 to 16 bytes) are the only ones scored.
        best = counts.most_common(2 * DICT_ROOM)
        scored = sorted(((count * len(self.encode(gram)), gram) for gram, count in best if not gram.isspace()),
                        key=lambda sg: (-sg[0], sg[1]))
        chosen: list[bytes] = []
        size = 0
        seen = ""  # the chosen strings, NUL between them: one substring search in C
        for _, gram in scored:
            if gram in seen:
                continue
            b = self.encode(gram)
            if size + len(b) > DICT_ROOM:
                break
            chosen.append(b)
            size += len(b)
            seen += "\0" + gram
        return b"".join(reversed(chosen))

    # ------------------------------------------------------------ the code

    @functools.cached_property
    def _table(self) -> list[str]:
        """str.translate's table: each BMP character's code as Latin-1 characters.

        A list, not a dict: translate looks up every character, and indexing a
        list is the quicker lookup. Characters beyond it are left as they are
        (encode escapes them).
        """
        # (Every BMP escape as a prefix per high byte and a low byte: one
        # concatenation each, a twelfth of calling _escape 65,536 times, which an
        # edit's patch paid on every rebuild.)
        lows = [chr(low) for low in range(256)]
        highs = [_escape(chr(high << 8))[:3] for high in range(256)]
        table = [high + low for high in highs for low in lows]
        for ch, code in zip(self.tiers[0], range(ONE)):
            table[ord(ch)] = chr(code)
        for p, tier in enumerate(self.tiers[1:]):
            for ch, low in zip(tier, range(PAGE)):
                table[ord(ch)] = chr(ONE + p) + chr(low)
        return table

    def encode(self, text: str) -> bytes:
        coded = text.translate(self._table)
        try:
            return coded.encode("latin-1")
        except UnicodeEncodeError:  # characters beyond the BMP (left as they were)
            return _OUTSIDE.sub(lambda m: _escape(m.group()), coded).encode("latin-1")

    def decode(self, data: bytes) -> str:
        one, pages = self.tiers[0], self.tiers[1:]
        out: list[str] = []
        i, n = 0, len(data)
        try:
            while i < n:
                b = data[i]
                if b < ONE:
                    out.append(one[b])
                    i += 1
                elif b < ESCAPE:
                    out.append(pages[b - ONE][data[i + 1]])
                    i += 2
                else:
                    out.append(chr(data[i + 1] << 16 | data[i + 2] << 8 | data[i + 3]))
                    i += 4
        except (IndexError, ValueError) as exc:
            raise ValueError(f"not a record in this code (byte {i})") from exc
        return "".join(out)

    # ------------------------------------------------------------ dict.bin

    @functools.cached_property
    def book(self) -> bytes:
        """The code book as dict.bin holds it, before the dictionary."""

        flat = [len(self.tiers)]
        for tier in self.tiers:
            cps = [0, *map(ord, tier)]
            flat += [len(tier), *map(operator.sub, cps[1:], cps)]
        out = bytearray()
        varints(flat, out)
        return bytes(out)

    @property
    def prefix_length(self) -> int:
        """The inflated length of dict.bin: what the browser cuts off a record."""
        return len(self.window)

    @functools.cached_property
    def window(self) -> bytes:
        """dict.bin inflated: what deflate may refer back to from a record."""
        return self.book + self.zdict

    def prefix(self) -> bytes:
        """dict.bin: code book and dictionary as the unfinished start of a deflate stream."""
        c = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        return c.compress(self.window) + c.flush(zlib.Z_SYNC_FLUSH)

    @staticmethod
    def read(prefix: bytes) -> "Codec":
        """The codec of a dict.bin; ValueError if it is not one."""

        try:
            data = zlib.decompressobj(-15).decompress(prefix)
            count, i = read_varint(data, 0)
            if count > 1 + PAGES:
                raise ValueError("too many tiers")
            tiers = []
            for _ in range(count):
                size, i = read_varint(data, i)
                gaps, i = read_varints(data, i, size)
                tiers.append("".join(map(chr, itertools.accumulate(gaps))))  # (chr refuses > 0x10FFFF)
        except (zlib.error, IndexError, ValueError) as exc:
            raise ValueError(f"dict.bin is not a record code book: {exc}") from exc
        if any(ch > "\uffff" for tier in tiers for ch in tier):
            raise ValueError("dict.bin is not a record code book: a character beyond the BMP")
        return Codec(tuple(tiers), data[i:])

    # ------------------------------------------------------------ records

    @functools.cached_property
    def _primed(self):
        return zlib.compressobj(LEVEL, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, self.window)

    def pack(self, record: str) -> bytes:
        """A record piece's file: its JSON in the ranked code, deflated after the dictionary."""
        # A copy of one compressor primed with the dictionary: priming each
        # record's own hashes the dictionary every time.
        c = self._primed.copy()
        return c.compress(self.encode(record)) + c.flush()

    def unpack_text(self, body: bytes) -> str:
        """A record piece's JSON text; ValueError if the file is not one."""
        try:
            data = zlib.decompressobj(-15, zdict=self.window).decompress(body)
        except zlib.error as exc:
            raise ValueError(f"not a record: {exc}") from exc
        return self.decode(data)

    def unpack(self, body: bytes) -> dict:
        record = json.loads(self.unpack_text(body))
        if not isinstance(record, dict):
            raise ValueError("not a record")
        return record
