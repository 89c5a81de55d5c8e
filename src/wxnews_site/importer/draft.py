"""What the raw-page reconstruction hands to the writer: stories before they get ids.

A draft keeps every character it took from the page: `reconstruct` must account
for each non-blank raw line in exactly one story (headline, body, credit) or in
`credits` / `leftovers`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Fold, Leftover


@dataclass(frozen=True)
class StoryDraft:
    kind: str  # article | photo | continuation
    kicker: str | None
    title: str | None
    subtitle: str | None
    paragraphs: tuple[str, ...]  # Markdown blocks: text, or "## subheading"
    bylines: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    credit: str | None = None  # as printed, e.g. "(崔欣润)" or "本报记者  刘  泉  张云河"
    dateline: str | None = None
    continued_from_page: int | None = None
    continued_to_page: int | None = None
    lines: tuple[int, ...] = ()  # 1-based raw line numbers used
    review: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()  # jump markers as printed, "(上接第1版)", kept out of the body

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class PageDraft:
    stories: tuple[StoryDraft, ...]
    credits: tuple[str, ...] = ()  # editor credit lines: 本版责编 ...
    leftovers: tuple[Leftover, ...] = ()
    date_hint: str | None = None  # an ISO date read from the text, to suggest when none was given
    folded: tuple[Fold, ...] = ()  # look-alike characters read into ordinary ones (importer.fold)
