"""What a typeset page is made of: printed units in modules on a column grid, and the gold heads."""
from __future__ import annotations

from dataclasses import dataclass, field

# roles whose core text is a gold body paragraph
BODY_ROLES = ("para", "cont", "sub", "note", "caption")  # cont: a paragraph printed from its middle
HEAD_ROLES = ("kicker", "title", "subtitle")


@dataclass(frozen=True)
class Unit:
    """One printed paragraph-like thing: a headline line, a body paragraph, a credit line, an advert line.

    lead + core + tail is what is printed; only core is gold text (a jump marker
    or an end credit printed inside a paragraph is not part of the paragraph).
    """

    owner: str | None  # gold article id; None for furniture (the page's leftovers)
    role: str  # kicker title subtitle byline para cont sub note caption credit marker furniture
    core: str
    lead: str = ""
    tail: str = ""

    @property
    def text(self) -> str:
        return self.lead + self.core + self.tail


@dataclass(frozen=True)
class GoldHead:
    """A gold article's fields that come straight from the record and the house style."""

    id: str
    kind: str  # article | photo | continuation
    bylines: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    dateline: str | None = None
    continued_from_page: int | None = None
    continued_to_page: int | None = None
    shapes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhotoBox:
    height_mm: int
    captions: tuple[Unit, ...]
    credit: Unit | None = None  # a credit on its own line under the caption
    title: Unit | None = None


@dataclass(frozen=True)
class Module:
    """One story (or advert, or photo) on the grid: headline across, body in CSS columns."""

    span: int
    kind: str  # article | photo | advert
    head: tuple[Unit, ...] = ()
    byline: tuple[Unit, ...] = ()
    photo: PhotoBox | None = None
    body: tuple[Unit, ...] = ()
    foot: tuple[Unit, ...] = ()  # end credits and jump markers on their own lines
    cols: int = 1

    def units(self) -> list[Unit]:
        out = [*self.head, *self.byline]
        if self.photo:
            out += [u for u in (self.photo.title, *self.photo.captions, self.photo.credit) if u]
        return out + [*self.body, *self.foot]


@dataclass(frozen=True)
class Band:
    """A row of the grid; a cell may stack several modules."""

    cells: tuple[tuple[Module, ...], ...]


@dataclass(frozen=True)
class PagePlan:
    name: str
    style: str
    columns: int
    font_pt: float
    bands: tuple[Band, ...]
    bottom: tuple[Unit, ...]  # editor and designer lines under the grid
    heads: tuple[GoldHead, ...]
    shapes: tuple[str, ...] = field(default=())

    def units(self) -> list[Unit]:
        out = [u for b in self.bands for cell in b.cells for m in cell for u in m.units()]
        return out + list(self.bottom)
