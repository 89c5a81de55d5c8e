"""Printed shapes, one made-up page each: tests/fixtures/shapes/NAME.txt is the raw
page, NAME.expect.yaml what an editor expects of its stories (only the keys it
names are checked: kicker, title, subtitle, bylines, photographers, dateline,
kind, continued_from_page, continued_to_page, the number of body paragraphs,
the start of the first one, the subheadings, and the page's leftovers)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wxnews_site.importer.layout import accounted, reconstruct

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
CASES = sorted(p.name.removesuffix(".expect.yaml") for p in SHAPES.glob("*.expect.yaml"))


def actual(story, key: str):
    body = [p for p in story.paragraphs if not p.startswith("## ")]
    if key == "paragraphs":
        return len(body)
    if key == "first":
        return body[0] if body else None
    if key == "subheadings":
        return [p[3:] for p in story.paragraphs if p.startswith("## ")]
    value = getattr(story, key)
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("name", CASES)
def test_shape(name: str) -> None:
    lines = (SHAPES / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    expect = yaml.safe_load((SHAPES / f"{name}.expect.yaml").read_text(encoding="utf-8"))
    draft = reconstruct(lines, f"{name}.txt")
    missing, extra = accounted(lines, draft)
    assert not missing and not extra, "every printed character ends up in exactly one place"
    got = [{key: actual(s, key) for key in want} for s, want in zip(draft.stories, expect["stories"])]
    for g, w in zip(got, expect["stories"]):
        if "first" in w and isinstance(g["first"], str) and g["first"].startswith(w["first"]):
            g["first"] = w["first"]  # the start is enough to tell the paragraph
    assert got == expect["stories"][: len(got)]
    assert len(draft.stories) == len(expect["stories"])
    if "leftovers" in expect:
        assert [lo.text for lo in draft.leftovers] == expect["leftovers"]
