"""The one text normaliser of search, shared with the browser (``static/search.js``).

A query finds an article when the article's normalised text contains the
normalised query (Ctrl+F semantics). Each character folds on its own, to one
character or a few, so a fold is also a map from the normalised text back to
the printed one (the browser marks matches on the printed characters):

* full-width ASCII forms (U+FF01-U+FF5E) to ASCII, the ideographic space to a space;
* compatibility forms as NFKC decomposes them: Ⅳ -> iv, ① -> 1, ⑴ -> (1), ℃ -> °c,
  ㎡ -> m2, ﬁ -> fi (``fold.json``'s ``compat``; see scripts/make_fold_table.py
  for what is left out);
* traditional characters to simplified (OpenCC's first choice), but only
  characters that are never standard simplified ones themselves: 長三角 finds
  长三角, while 乾, 薹 or 昇 find only themselves (``fold.json``'s ``t2s``);
* Latin, Greek and Cyrillic letters to lower case (only where lower-casing is
  one character to one character, so both sides agree on every Unicode version).

Width and case the browser folds by itself; every other fold it is told
(``fold_map``: the index's ``m/`` shards for a query's characters, each
record's list of its folded characters). A *near* match ignores the spaces
and punctuation between two Han characters (``squeeze``): 常晋 near-matches
常  晋, 七一勋章获得者 near-matches “七一勋章”获得者.
"""
from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..model import Article

FOLD_FILE = Path(__file__).with_name("fold.json")
# Lower-casing beyond these scripts differs between Unicode versions.
CASE_LIMIT = 0x0530


@lru_cache(maxsize=1)
def _fold_data() -> dict:
    return json.loads(FOLD_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def t2s_map() -> dict[str, str]:
    """Traditional -> simplified, one character each, for characters never simplified ones (fold.json)."""
    pairs = _fold_data()["t2s"]
    chars = list(pairs)
    return dict(zip(chars[0::2], chars[1::2]))


def _case(ch: str) -> str:
    if ord(ch) < CASE_LIMIT:
        low = ch.lower()
        if len(low) == 1:
            return low
    return ch


def fold_simple(ch: str) -> str:
    """Width and case: the folds the browser makes without being told."""
    cp = ord(ch)
    if 0xFF01 <= cp <= 0xFF5E:
        ch = chr(cp - 0xFEE0)
    elif cp == 0x3000:
        ch = " "
    return _case(ch)


@lru_cache(maxsize=1)
def fold_map() -> dict[str, str]:
    """Every character whose fold is more than width and case: to its fold (one or more characters)."""
    t2s, compat = t2s_map(), _fold_data()["compat"]
    out = {}
    for ch in sorted(set(t2s) | set(compat)):
        folded = "".join(_case(t2s.get(c, c)) for c in compat.get(ch, ch))
        if folded != fold_simple(ch):
            out[ch] = folded
    return out


def fold_char(ch: str) -> str:
    """One character through every fold: one character or a few."""
    return fold_map().get(ch) or fold_simple(ch)


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    keys: set[str] = set(fold_map())
    keys.update(chr(c) for c in range(0xFF01, 0xFF5F))
    keys.add("\u3000")
    keys.update(chr(c) for c in range(CASE_LIMIT))
    return {ord(ch): folded for ch in keys if (folded := fold_char(ch)) != ch}


@lru_cache(maxsize=1)
def _bmp_table() -> list[int | str]:
    # str.translate looks each character up in the table: in a dict, every
    # character that does not change raised and dropped a KeyError (half of
    # a cold build's normalising); in a list of the plane's code points none does.
    table: list[int | str] = list(range(0x10000))
    for cp, folded in _table().items():
        if cp < 0x10000:
            table[cp] = folded
    return table


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def normalize(text: str) -> str:
    """Fold width, compatibility forms, script and case (see the module's docstring)."""
    if len(text) >= _BULK_FROM and "numpy" in sys.modules:
        # A full build (which has numpy loaded; a patch does not load it for one text) folds
        # every text of the archive: by numpy's table lookup a text costs a tenth.
        out = _normalize_bulk(text)
        if out is not None:
            return out
    out = text.translate(_bmp_table())  # (characters past the list are left as they are)
    return out.translate(_table()) if _ASTRAL.search(out) else out


_BULK_FROM = 200  # characters: below, numpy's calls cost more than they save
_MANY = 0xFFFFFFFF  # in _code_table: a character folded to several (or none)


@lru_cache(maxsize=1)
def _code_table():  # -> numpy array
    import numpy as np

    table = np.arange(0x10000, dtype=np.uint32)
    for cp, folded in _table().items():
        if cp < 0x10000:
            table[cp] = ord(folded) if len(folded) == 1 else _MANY
    return table


def _normalize_bulk(text: str) -> str | None:
    """normalize(text) by numpy, or None for a text it cannot do alike (a character past the basic
    plane, or one folded to several characters: normalize's own way then)."""
    import numpy as np

    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    if cps.max(initial=0) >= 0x10000:
        return None
    out = _code_table()[cps]
    if (out == _MANY).any():
        return None
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def is_mark(ch: str) -> bool:
    """Spaces and punctuation (after folding). ``isMark`` in search.js is the same."""
    cp = ord(ch)
    return (cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0xBF
            or 0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F or 0xFE30 <= cp <= 0xFE4F
            or 0xFF00 <= cp <= 0xFFEF)


# Runs of marks (the newline is one), to split a text into runs without marks.
# (is_mark's ranges as a character class: listing them char by char took 0.1 s at every start.)
_MARKS_ABOVE_ASCII_DIGITS = "\x3a-\x40\x5b-\x60\x7b-\xbf\u2000-\u206f\u3000-\u303f\ufe30-\ufe4f\uff00-\uffef"
MARKS = "\x00-\x2f" + _MARKS_ABOVE_ASCII_DIGITS
MARK_RUNS = re.compile(f"[{MARKS}]+")
# Han characters (after folding: the compatibility ideographs are folded away).
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
# Marks that no index key holds but as a character of its own: spaces and
# controls, and the marks of nearly every sentence (after folding: ， is ",").
# Other marks pair with their neighbours as keys (5%, 路·, 国—), so a query
# holding one is narrowed by it. The quotes also delimit a query's phrases,
# so no query term holds one.
KEYLESS = "\x00-\x20\xa0\"\u201c\u201d\u300c\u300d,\u3002\u3001:;()\u300a\u300b!?\u2026"
KEYLESS_RUNS = re.compile(f"[{KEYLESS}]+")
# Marks that end a clause or a sentence: a near match never reaches across one.
BREAKS = "\n,\u3002\u3001;:!?"
# Marks between Han characters that a near match ignores: spaces, quotes, brackets, dashes, dots.
_BETWEEN_HAN = re.compile(f"(?<=[{HAN}])[{MARKS}]+(?=[{HAN}])")
_NO_BREAK = re.compile(f"[^{BREAKS}]+")


def _squeezed(m: re.Match) -> str:
    return "" if _NO_BREAK.fullmatch(m.group()) else m.group()


def squeeze(text: str) -> str:
    """Normalised text without the marks between Han characters that hold no
    break (near matches: 常  晋 -> 常晋, “七一勋章”获得者 -> 七一勋章获得者)."""
    return _BETWEEN_HAN.sub(_squeezed, text)


def is_keyless(ch: str) -> bool:
    return KEYLESS_RUNS.fullmatch(ch) is not None


def is_han(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in HAN_RANGES)


def _body_text(body: str) -> str:
    # Subheadings are stored as "## text"; readers search for the text only.
    lines = []
    for line in body.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            line = stripped.lstrip("#").lstrip()
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def headline_fields(a: Article) -> list[str]:
    return [x for x in (a.kicker, a.title, a.subtitle) if x]


def searchable_parts(a: Article) -> tuple[str, str]:
    """(headlines, the rest): the printed text a query is matched against.

    Headlines are kicker, title and subtitle; the rest is the body (captions
    are paragraphs of it), then bylines and photographers. Parts are joined by
    newlines, which no query contains, so no match spans two of them.
    """
    head = "\n".join(headline_fields(a))
    rest = [_body_text(a.body)] if a.body.strip() else []
    rest.extend(a.bylines)
    rest.extend(a.photographers)
    return head, "\n".join(rest)


def searchable_text(a: Article) -> str:
    head, rest = searchable_parts(a)
    return head + "\n" + rest if head and rest else head or rest


def contains_all(text_norm: str, terms: Iterable[str]) -> bool:
    return all(t in text_norm for t in terms)


# The same characters as SPACE in search.js (not str.isspace, which differs from JS).
_SPACE = frozenset(" \t\n\r\f\v\u00a0")
_STRIP = "".join(_SPACE)
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u300c": "\u300d"}
_SPACES_BETWEEN_HAN = re.compile(f"(?<=[{HAN}])[{''.join(sorted(_SPACE))}]+(?=[{HAN}])")


def parse_query(query: str) -> list[str]:
    """Normalised query terms: space-separated words are ANDed; a quoted phrase is one term,
    in which spaces between Han characters are dropped ("老旧 小区" is 老旧小区).

    Mirrors ``parseQuery`` in search.js. An unclosed quote runs to the end.
    """
    q = normalize(query)
    terms: list[str] = []
    i = 0
    while i < len(q):
        ch = q[i]
        if ch in _QUOTES:
            end = q.find(_QUOTES[ch], i + 1)
            end = len(q) if end < 0 else end
            # A space inside a phrase between Han characters is no word break: Chinese text has none.
            phrase = _SPACES_BETWEEN_HAN.sub("", q[i + 1:end].strip(_STRIP))
            if phrase:
                terms.append(phrase)
            i = end + 1
        elif ch in _SPACE:
            i += 1
        else:
            j = i
            while j < len(q) and q[j] not in _SPACE and q[j] not in _QUOTES:
                j += 1
            terms.append(q[i:j])
            i = j
    return list(dict.fromkeys(terms))
