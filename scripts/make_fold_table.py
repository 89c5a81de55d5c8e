#!/usr/bin/env python3
"""Derive search's fold table, ``src/wxnews_site/search/fold.json``, from its sources.

Search folds query and text alike (``search/normalize.py``). Two of its folds
come from data, kept in the repository as this script derives it, so that
every build folds the same way whatever Python or OpenCC is installed:

* **traditional -> simplified**, from OpenCC's character tables (Apache-2.0,
  https://github.com/BYVoid/OpenCC, ``data/dictionary/``). A character folds
  to OpenCC's first simplified form only if it is never a standard simplified
  character itself, since a character that is both (乾 in 乾坤, 薹 in 蒜薹, 昇,
  甯, 吒) must find only itself, not every article printing 干 or 苔. A character
  is taken to be standard simplified when

  1. it is in the 通用规范汉字表 (General Standard Chinese Characters, 2013,
     8,105 characters; the list is one character a line), or
  2. OpenCC lists it among its own simplified forms (乾 -> 干 乾), or
  3. it is a key of OpenCC's simplified -> traditional table (a simplified
     character that has traditional forms), or
  4. an OpenCC phrase keeps its standard form outside the basic plane where it
     stands (二噁英 -> 二𫫇英): simplified text prints the character itself for
     a form most fonts lack, so 噁 is not folded to 恶.

* **compatibility forms**, as Unicode's NFKC decomposes them (Ⅳ -> IV, ① -> 1,
  ⑴ -> (1), ℃ -> °C, ㎡ -> m2, ﬁ -> fi, ⅔ …), one character to one or more.
  Left out are the full-width forms and the ideographic space (a fold of their
  own, done by the browser without a table) and forms whose decomposition
  holds a space, quote, line break or combining mark (spacing accents such as
  ¨ -> space + U+0308, or the no-break space): those would change how a query
  is split into words; and punctuation that decomposes into punctuation only
  (… -> ..., ‼ -> !!, vertical forms): nobody searches for it, and the
  ellipsis of Chinese text (……, in a quarter of all articles) would grow
  every record that tells the browser where its folded characters are.

Usage (the sources are not part of the repository)::

    python3 scripts/make_fold_table.py --opencc OpenCC/data/dictionary \\
        --standard 通用规范汉字表.txt [--out src/wxnews_site/search/fold.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "wxnews_site" / "search" / "fold.json"
# What a query is split at (normalize.SPACE, normalize.QUOTES): no fold may bring one in.
SPLITS = frozenset(" \t\n\r\f\v\u00a0\"\u201c\u201d\u300c\u300d")


def read_table(path: Path) -> dict[str, list[str]]:
    """An OpenCC dictionary file: key, tab, space-separated values."""
    out: dict[str, list[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, values = line.partition("\t")
        if not sep or not values.split():
            sys.exit(f"{path}:{n}: error: not 'key<TAB>values'")
        out[key] = values.split()
    return out


def stand_ins(phrases: dict[str, list[str]]) -> set[str]:
    """Characters that a phrase keeps as a standard form outside the basic plane."""
    out = set()
    for phrase, forms in phrases.items():
        simplified = forms[0]
        if len(simplified) == len(phrase):
            out.update(a for a, b in zip(phrase, simplified) if a != b and ord(b) > 0xFFFF >= ord(a))
    return out


def t2s_pairs(ts: dict[str, list[str]], st: dict[str, list[str]], phrases: dict[str, list[str]],
              standard: set[str]) -> dict[str, str]:
    """traditional -> simplified for the characters that are never standard simplified (rules 1-4)."""
    kept = standard | set(st) | stand_ins(phrases)
    return {t: forms[0] for t, forms in sorted(ts.items())
            if len(t) == 1 and t not in kept and t not in forms and len(forms[0]) == 1}


def compat_forms() -> dict[str, str]:
    """Every character NFKC changes, to its decomposition, but those left out (see above)."""
    out = {}
    for cp in range(0x110000):
        ch = chr(cp)
        if 0xFF01 <= cp <= 0xFF5E or cp == 0x3000 or unicodedata.category(ch) in ("Cs", "Cn"):
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        if nfkc == ch or SPLITS.intersection(nfkc) or any(unicodedata.category(c)[0] == "M" for c in nfkc):
            continue
        if all(unicodedata.category(c)[0] == "P" for c in nfkc):
            continue
        out[ch] = nfkc
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--opencc", type=Path, required=True, help="OpenCC's data/dictionary folder")
    ap.add_argument("--standard", type=Path, required=True, help="the 通用规范汉字表, one character a line")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    standard = {line.strip() for line in args.standard.read_text(encoding="utf-8").splitlines() if line.strip()}
    if len(standard) < 8000 or any(len(c) != 1 for c in standard):
        sys.exit(f"{args.standard}: error: not the 8,105 characters, one a line")
    ts = read_table(args.opencc / "TSCharacters.txt")
    st = read_table(args.opencc / "STCharacters.txt")
    phrases = read_table(args.opencc / "TSPhrases.txt")
    pairs = t2s_pairs(ts, st, phrases, standard)
    table = {
        "source": "t2s: OpenCC TSCharacters.txt (Apache-2.0, https://github.com/BYVoid/OpenCC), first "
                  "simplified form, only characters that are never standard simplified ones "
                  "(scripts/make_fold_table.py); compat: Unicode NFKC decompositions "
                  f"(Unicode {unicodedata.unidata_version})",
        "t2s": "".join(t + s for t, s in pairs.items()),
        "compat": compat_forms(),
    }
    args.out.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(pairs)} traditional characters ({len(ts) - len(pairs)} of OpenCC's kept as they are), "
          f"{len(table['compat'])} compatibility forms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
