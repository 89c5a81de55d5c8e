"""How printed text is shown: half-width punctuation set between Chinese
characters (an artefact of the e-paper's text layer or of a typist, "举行,8支")
is shown full-width ("举行，8支"), as the paper printed it.

Only what the reader sees changes; the article files keep the characters the
import read, and ``typography: {cjk_punctuation: false}`` in site.yaml turns
this off. A mark beside Latin letters or digits on both sides ("1,000",
"8:00", "C++") is left alone.
"""
from __future__ import annotations

import re

# Han characters, CJK and full-width punctuation, and the curly quotes Chinese text uses.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026"
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# A mark after a Chinese character, before a Chinese character or a digit
# ("举行,8支国内劲旅": the comma belongs to the Chinese sentence).
_MARK = re.compile(rf"(?<=[{_CJK}])[,:;?!](?=[{_CJK}0-9])")
# A bracketed aside in Chinese beside Chinese text: "联赛(无锡赛区)首站", "”(上海)座谈会".
_ASIDE = re.compile(rf"(?:(?<=[{_CJK}])\(([{_CJK}][^()\n]*)\)|\(([^()\n]*[{_CJK}])\)(?=[{_CJK}]))")
_QUICK = re.compile(r"[,:;?!(]")


def _aside(m: re.Match[str]) -> str:
    inner = m.group(1) if m.group(1) is not None else m.group(2)
    return f"（{inner}）"


def cjk_punctuation(text: str) -> str:
    """Half-width , : ; ? ! ( ) between Chinese characters, shown full-width."""
    if not text or not _QUICK.search(text):
        return text
    return _MARK.sub(lambda m: _FULL[m.group()], _ASIDE.sub(_aside, text))
