"""The one text normaliser of search, shared with the browser (``static/search.js``).

A query finds an article when the article's normalised text contains the
normalised query (Ctrl+F semantics). Normalising folds, one character to one
character, so that a position in the normalised text is the same position in
the printed text (the browser marks matches in the printed text by position):

* full-width ASCII forms (U+FF01-U+FF5E) to ASCII, the ideographic space to a space;
* traditional characters to simplified (OpenCC's character table, first choice),
  so 長三角 finds 长三角 and 機器人 finds 机器人;
* Latin, Greek and Cyrillic letters to lower case (only where lower-casing is
  one character to one character, so both sides agree on every Unicode version).

``search.js`` implements the same three steps; the browser test checks the
two against each other on a table of strings.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..model import Article

T2S_FILE = Path(__file__).with_name("t2s.json")
# Lower-casing beyond these scripts differs between Unicode versions.
CASE_LIMIT = 0x0530


@lru_cache(maxsize=1)
def t2s_map() -> dict[str, str]:
    """Traditional -> simplified, one character each (generated from OpenCC; see t2s.json)."""
    pairs = json.loads(T2S_FILE.read_text(encoding="utf-8"))["pairs"]
    chars = list(pairs)
    return dict(zip(chars[0::2], chars[1::2]))


def fold_char(ch: str) -> str:
    """One character through the three folds; always one character back."""
    cp = ord(ch)
    if 0xFF01 <= cp <= 0xFF5E:
        ch = chr(cp - 0xFEE0)
    elif cp == 0x3000:
        ch = " "
    ch = t2s_map().get(ch, ch)
    if ord(ch) < CASE_LIMIT:
        low = ch.lower()
        if len(low) == 1:
            ch = low
    return ch


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    keys: set[str] = set(t2s_map())
    keys.update(chr(c) for c in range(0xFF01, 0xFF5F))
    keys.add("\u3000")
    keys.update(chr(c) for c in range(CASE_LIMIT))
    table = {}
    for ch in keys:
        folded = fold_char(ch)
        if folded != ch:
            table[ord(ch)] = folded
    return table


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
    """Fold width, script and case; the result has exactly as many characters as text."""
    out = text.translate(_bmp_table())  # (characters past the list are left as they are)
    return out.translate(_table()) if _ASTRAL.search(out) else out


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


def parse_query(query: str) -> list[str]:
    """Normalised query terms: space-separated words are ANDed; a quoted phrase is one term.

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
            phrase = q[i + 1:end].strip(_STRIP)
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
