"""Messages in the editor's language: English, or Chinese chosen by ``--lang zh``
or the locale (``LANG=zh_CN.UTF-8``).

The tool writes its messages in English. In Chinese, what it prints passes
through ``Translating``, which translates each line from the gettext catalog
``locale/zh_CN/LC_MESSAGES/wxnews-site.po`` (compiled to the ``.mo`` beside it,
committed; ``python -m wxnews_site.i18n`` compiles it again). A catalog entry
is a message with ``{}`` where its values go (``imported {} page(s) ...`` ->
``导入 {0} 个版 ...``); the values are translated too, so the review reasons
stored in article files, the file problems of every command and argparse's
own errors read in Chinese alike. Output for tools (``--format json``) is
never a whole message line and stays as it is.
"""
from __future__ import annotations

import ast
import functools
import gettext
import io
import os
import re
import struct
import sys
import threading
from pathlib import Path
from typing import TextIO

DOMAIN = "wxnews-site"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")
_CATALOGS = {"zh": "zh_CN"}
# "path:line: error: message", "error: message", the argparse "prog: error: message".
_SEVERITY = re.compile(r"^(?:(?P<where>.*?): )?(?P<sev>error|warning|note): (?P<msg>.*)$", re.S)
_HOLE = "{}"


def choose(flag: str | None, environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """--lang, else the locale as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    if flag:
        return flag
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            return "zh" if value.split(":")[0].lower().startswith("zh") else "en"
    return "en"


class Catalog:
    """The messages of one language, as whole texts and as templates with holes."""

    def __init__(self, translations: gettext.NullTranslations, msgids: list[str]):
        self._t = translations
        self._exact = {m for m in msgids if _HOLE not in m}
        templates = sorted((m for m in msgids if _HOLE in m), key=lambda m: -len(m.replace(_HOLE, "")))
        # A check of a large archive prints thousands of lines: a line is tried only
        # against the templates that start with its first character (or with a
        # value), and only when it holds the template's longest literal part.
        self._by_first: dict[str, list[tuple[str, re.Pattern[str], str]]] = {}
        for m in templates:
            entry = (max(m.split(_HOLE), key=len), re.compile("(.+?)".join(map(re.escape, m.split(_HOLE))) + "$", re.S), m)
            self._by_first.setdefault("" if m.startswith(_HOLE) else m[0], []).append(entry)
        self._any = self._by_first.pop("", [])
        # most literal text first, as in the whole sorted list
        order = {m: n for n, m in enumerate(templates)}
        for first, entries in self._by_first.items():
            self._by_first[first] = sorted(entries + self._any, key=lambda e: order[e[2]])

    def line(self, text: str) -> str:
        """One printed line, its indentation kept."""
        body = text.lstrip(" ")
        return text[:len(text) - len(body)] + self.message(body) if body else text

    @functools.lru_cache(maxsize=4096)
    def message(self, text: str) -> str:
        if text in self._exact:
            return self._t.gettext(text)
        m = _SEVERITY.match(text)
        if m:
            where = f"{m['where']}: " if m["where"] else ""
            return f"{where}{self._t.gettext(m['sev'])}：{self.message(m['msg'])}"
        for part, pattern, msgid in self._by_first.get(text[:1], self._any):
            found = part in text and pattern.match(text)
            if found:
                return self._t.gettext(msgid).format(*(self.message(v) for v in found.groups()))
        for sep, joined in (("; ", "；"), (", ", "、")):  # review reasons and the model's signals, joined
            parts = text.split(sep)
            if len(parts) > 1:
                done = [self.message(p) for p in parts]
                if all(d != p for d, p in zip(done, parts)):
                    return joined.join(done)
        return text


@functools.cache
def catalog(lang: str) -> Catalog | None:
    if lang not in _CATALOGS:
        return None
    mo = LOCALE_DIR / _CATALOGS[lang] / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with mo.open("rb") as f:
        translations = gettext.GNUTranslations(f)
    return Catalog(translations, [m for m in read_po(mo.with_suffix(".po")) if m])


class Translating(io.TextIOBase):
    """A text stream that writes each whole line translated to the stream under it.

    Lines are held until their newline; a carriage return (a progress bar on a
    terminal) or a flush writes what is held at once."""

    def __init__(self, under: TextIO, cat: Catalog):
        self.under, self.cat, self._held = under, cat, ""
        self._lock = threading.Lock()  # serve prints from its watcher thread and its main thread

    def write(self, s: str) -> int:
        with self._lock:
            return self._write(s)

    def _write(self, s: str) -> int:
        text = self._held + s
        if "\r" in s:
            self._held = ""
            self.under.write(text)
            return len(s)
        *lines, self._held = text.split("\n")
        if lines:
            self.under.write("".join(self.cat.line(line) + "\n" for line in lines))
        return len(s)

    def flush(self) -> None:
        with self._lock:
            if self._held:
                self.under.write(self.cat.line(self._held))
                self._held = ""
        self.under.flush()

    def isatty(self) -> bool:
        return self.under.isatty()

    def fileno(self) -> int:
        return self.under.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.under, "encoding", "utf-8")


_active = "en"


def install(lang: str, streams: tuple[str, ...] = ("stdout", "stderr")) -> None:
    """Translate the streams (sys.stdout, sys.stderr) from now on (a no-op for English)."""
    global _active
    _active = lang
    cat = catalog(lang)
    if cat is None:
        return
    for name in streams:
        stream = getattr(sys, name)
        if not isinstance(stream, Translating):
            setattr(sys, name, Translating(stream, cat))


def uninstall() -> None:
    global _active
    _active = "en"
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, Translating):
            stream.flush()
            setattr(sys, name, stream.under)


def translate(text: str, lang: str | None = None) -> str:
    """A message (several lines, maybe) in ``lang`` (default: the installed
    language), for what is not printed: the preview's banner."""
    cat = catalog(lang or _active)
    return text if cat is None else "\n".join(cat.line(line) for line in text.split("\n"))


# ------------------------------------------------------------- the catalog files

def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (the subset this project writes: no plurals, no contexts)."""
    out: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    msgid = ""

    def done() -> None:
        nonlocal msgid
        if key == "msgstr":
            out[msgid] = "".join(current)
        elif key == "msgid":
            msgid = "".join(current)

    for line in path.read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            done()
            key, rest = line.split(" ", 1)
            current = [ast.literal_eval(rest)]
        elif line.startswith('"') and key:
            current.append(ast.literal_eval(line))
        elif not line or line.startswith("#"):
            done()
            key = None
    done()
    return out


def compile_mo(entries: dict[str, str]) -> bytes:
    """The GNU .mo file of entries (what msgfmt writes, without a hash table)."""
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    start = 7 * 4 + 16 * len(keys)
    table_ids, table_strs, data = [], [], b""
    for blob, table in ((ids, table_ids), (strs, table_strs)):
        for b in blob:
            table.append((len(b), start + len(data)))
            data += b + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + b"".join(struct.pack("<2I", *t) for t in table_ids + table_strs) + data


def main() -> int:
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        po.with_suffix(".mo").write_bytes(compile_mo(read_po(po)))
        print(f"compiled {po.with_suffix('.mo')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
