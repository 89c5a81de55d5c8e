"""A newspaper page's raw text -> stories: headlines, re-joined paragraphs, credits, jumps.

Text extracted from an e-paper comes in reading order column by column, so a
paragraph cut by a column break continues a few fragments later, after
whatever the extractor met in between (a lead box, another story's column, a
jump headline). Reconstruction runs in three steps:

1. blocks (`blocks.py`): each non-blank line is a headline-like short line,
   a body fragment, a credit, an editor credit, a jump marker or furniture;
2. joints (`joints.py`): every fragment that stops mid-sentence is paired with
   the fragment that continues it, by a score of general signals (a dictionary
   word across the seam, a fragment that cannot open a paragraph, the next
   line, the top of a column, shared vocabulary) -- never by the page's
   particular strings;
3. stories (here): a walk in page order that opens a story at each headline or
   "(上接第N版)", attaches jump headlines printed after a continuation's first
   column, turns short lines inside a story into subheadings, and moves a lead
   paragraph printed inside a cut paragraph to the front. What decides is how
   papers are printed: a dateline opens a text and the lines over it are its
   headline; a title carries its column's name ("（人民时评）") and a subheading
   never does; a note in brackets ("（作者为…）") ends a story; a column of
   briefs ("环球扫描") is one story; subheadings come in sets, so a story's only
   "subheading" that stops mid-sentence is a cut paragraph's first part.

Text is verbatim: fragments are only re-ordered and concatenated; the one
change is folding PDF look-alikes (⽉ to 月, importer.fold), each recorded in
the draft's `folded`. `accounted` checks that every printed character ends up
in exactly one place.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace

from ..model import Leftover
from .blocks import (
    CHAPTER_RE, COLUMN_TAG_RE, OPENER_RE, OPENING_RE, SIGN_OFF_RE, DATE_RE, LABEL_MAX, SHORT_MAX, Block, page_furniture,
    body_run, byline_under_headline, classify, closes_note, closing_note, in_jump_column, page_indents, text_like,
)
from . import confidence
from .bylines import Credit, heads_part, heads_text, lead_credit, names_only, parse_credit
from .draft import PageDraft, StoryDraft
from .fitted import INTERLEAVED, STORY_START, Decision
from .fold import fold_lines, fold_text
from .joints import pair_joints
from .printed import Printed, last_characters_together, rejoin
from .regroup import (
    CAPTION_MAX,
    caption_under_headline, headline_over_photo, label_to_picture, names_as_subheadings, names_over_text, part_tagged_titles,
    heads_parts, rehome_headlines, sort_stacks, split_for_headlines, subheadings_over_other_text, umbrella_parts,
)
from .seams import Echoes, Topics, ends_mid_word, ends_sentence, seam_word
from .story import Story, body_lines, hand_over, kicker_like, signed




def _signs_part(cur: Story, credit: Credit) -> bool:
    """A signature printed under a part's heading, after the story's text began, signs
    that part: a story printed in signed parts has no author of its own (the paper's
    own record keeps each part's line in its text). A feature's editors' note declares
    its parts; elsewhere a part is headed by one line, where a kicker and a title over
    a byline are how the next story's own headline is set."""
    if not cur.body_count or not heads_part(credit):
        return False
    return cur.feature or not cur.paras[-2][0].startswith("## ")


def _split_headlines(lines: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(headline lines, subheading lines): a short label after the title opens subheadings."""
    end = min(len(lines), 3)
    for k in range(1, end):
        if len(lines[k][0]) <= LABEL_MAX:
            end = k
            break
        # the column's name closes the title: a question under it opens the text, and so
        # does a short line (a title's 副题 is a dash line or a full clause: "孩子要牢记" is
        # the first of its subheadings)
        if COLUMN_TAG_RE.search(lines[k - 1][0]) and not lines[k][0].startswith("—") \
                and (lines[k][0][-1:] in "？?" or len(lines[k][0]) <= 10):
            end = k
            break
    return lines[:end], lines[end:]


# What papers call a column of briefs: "环球扫描", "八方速递", "国内简讯", "图片报道".
BRIEFS_RE = re.compile(r"^[\u4e00-\u9fff]{0,4}(?:扫描|速递|快讯|简讯|短讯|集锦|资讯|一览|速览|短波|播报|纵览|报道)$")


ORDINAL_RE = re.compile(r"^(?:第[一二三四五六七八九十]{1,3}[步部章节点是]|[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十]{1,3}[)）]"
                        r"|[\u4e00-\u9fff]{0,4}[①②③④⑤⑥⑦⑧⑨⑩])")


def _dash_subtitled(heads: list[str]) -> bool:
    """A title with its 副题 "——访…" under it (not an 引题 leading into a title)."""
    return len(heads) >= 2 and not heads[0].endswith(("——", "—")) and any(h.lstrip("\u200b").startswith("——") for h in heads[1:])


def _ordinal(text: str) -> str | None:
    """The shape of a numbered heading ("第二步…" -> "第#步", "误区③：…" -> "误区#"), or None."""
    m = ORDINAL_RE.match(text)
    return re.sub(r"[一二三四五六七八九十①②③④⑤⑥⑦⑧⑨⑩]+", "#", m.group()) if m else None


EDITORS_NOTE_RE = re.compile(r"^(?:编者按|编者的话|编后)[：:]?$")  # the label of an editors' note set as its headline
SIGNED_DATE_RE = re.compile(r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$")  # a document's date under its issuer
# "（2026年4月30日第十四届全国人民代表大会常务委员会第二十二次会议通过）", a law's history of
# amendments ("(1982年8月23日…通过  根据…第一次修正  …修订)"), a speech's or a decision's bare date
DOCUMENT_DATE_RE = re.compile(r"^[（(][^（）()]{0,8}\d{4}年\d{1,2}月\d{1,2}日(?:[^（）()。]{2,600})?[）)]$")


def _label(text: str) -> bool:
    """A column's name set over its items, never a kicker naming a place ("海南三亚") or a day ("端午假期")."""
    return len(text) <= LABEL_MAX + 2 and bool(BRIEFS_RE.match(text))


def _fields(heads: list[str]) -> tuple[str | None, str | None, str | None]:
    """引题/主题/副题 from 1-3 headline lines."""
    if not heads:
        return None, None, None
    if len(heads) == 1:
        return None, heads[0], None
    if len(heads) == 2:
        # (the column's name is set on the title alone: a line over a tagged title is its 引题)
        if (kicker_like(heads[0]) or (COLUMN_TAG_RE.search(heads[1]) and not COLUMN_TAG_RE.search(heads[0]))) \
                and not heads[1].startswith("—"):
            return heads[0], heads[1], None
        return None, heads[0], heads[1]
    return heads[0], heads[1], heads[2]


# Below this topic similarity a heading and paragraph closing a text, with a photographer's
# credit under them, are a picture of their own (as the joints' "nothing in common").
TITLED_PHOTO_SIM = 0.05


AT_LINE_RE = re.compile(r"at line (\d+)")  # the line a review reason is about


class _Walker:
    def __init__(self, blocks: list[Block], pairs: dict[int, int], scores: dict[int, float], topics: Topics,
                 trace: list[Decision] | None = None):
        self.blocks = blocks
        self.trace = trace
        self.topics = topics
        # Pages whose stories end with a printed credit ("(崔欣润)") mark story ends plainly.
        self.closing_credits = sum(
            1 for k, b in enumerate(blocks)
            if (b.kind == "body" and b.credit is not None and not b.credit.photographers)
            or (b.kind == "credit" and k > 0 and blocks[k - 1].kind == "body")
        )
        self.pairs = pairs
        self.scores = scores
        self.head_of = {h: t for t, h in pairs.items()}
        self.owner: dict[int, Story] = {}  # tail block -> story holding its paragraph
        self.stories: list[Story] = []
        self.current: Story | None = None
        self.credits: list[str] = []
        self.leftovers: list[Leftover] = []
        self.opening_margin: float | None = None  # of the decision that opened the next story

    # -- helpers
    def new_story(self) -> Story:
        s = Story()
        if self.opening_margin is not None:
            s.margins.append(self.opening_margin)
            self.opening_margin = None
        self.stories.append(s)
        self.current = s
        return s

    def headed_or_new(self) -> Story:
        """The story a "(上接第1版)" opens: the headline just printed above it, if any."""
        cur = self.current
        if cur is not None and cur.headlines and not cur.body_count and not cur.closed and cur.from_page is None:
            return cur
        return self.new_story()

    def chain(self, i: int) -> list[int]:
        out = [i]
        while out[-1] in self.pairs:
            out.append(self.pairs[out[-1]])
        return out

    def add_paragraph(self, story: Story, i: int) -> None:
        ids = self.chain(i)
        text = "".join(self.blocks[k].core for k in ids)
        story.paras.append((text, [self.blocks[k].line for k in ids]))
        story.blocks.extend(ids)
        for k in ids:
            b = self.blocks[k]
            story.lines.add(b.line)
            self.owner[k] = story
            if k != ids[-1] and self.scores.get(k, 99) < 2.0:
                story.review.append(f"weak joint at line {b.line}: check that line {self.blocks[self.pairs[k]].line} continues it")
        last = self.blocks[ids[-1]]
        if not last.complete and last.to_page is None:
            story.review.append(f"paragraph ends mid-sentence at line {last.line}: its continuation was not found")
        # (an editors' note under its own label "编者按" is an item of its own: the pieces after
        # it are stories, each with its headline and author)
        if SIGN_OFF_RE.match(self.blocks[ids[-1]].core) and story.body_count <= 4 and story.headlines \
                and not any(EDITORS_NOTE_RE.match(h) for h, _ in story.headlines):
            story.feature = True
        if len(story.paras) == 1 or story.body_count == 1:
            lc = lead_credit(text)
            if lc is not None and story.lead is None:
                story.lead = lc
        for k in ids:
            self.apply_block_meta(story, self.blocks[k], at_head=(k != ids[0]))

    def apply_block_meta(self, story: Story, b: Block, at_head: bool) -> None:
        story.markers.extend(b.markers)
        if b.from_page is not None and story.from_page is None:
            story.from_page = b.from_page
        if b.to_page is not None:
            story.to_page = b.to_page
            story.closed = True  # "（下转第3版）" ends the story's text on this page: what follows is another's
        if b.credit is not None and not at_head:
            self.take_credit(story, b.credit)

    def picture_out_of(self, story: Story, credit: Credit, line: int, titled: bool) -> None:
        """The story's last paragraph (under its last heading, when `titled`) and the
        photographer's credit on `line` become a picture of their own."""
        taken = story.paras[-2:] if titled else story.paras[-1:]
        del story.paras[-len(taken):]
        lines = [ln for _, lns in taken for ln in lns]
        story.lines.difference_update(lines)
        heads = [(taken[0][0].removeprefix("## "), taken[0][1][0])] if titled else []
        photo = Story(headlines=heads, paras=[taken[-1]], credits=[credit], photo=True, closed=True)
        photo.lines.update(lines + [line])
        self.stories.append(photo)

    def titled_photo_inside(self, story: Story) -> bool:
        """The story ends on a one-line heading and one paragraph that share hardly a word
        with the text before them: a picture's title and caption, not the text's last part."""
        if story.body_count < 3 or len(story.paras) < 3 or not story.paras[-2][0].startswith("## ") \
                or story.paras[-1][0].startswith("## ") or len(story.paras[-2][1]) != 1:
            return False
        caption = set(story.paras[-1][1])
        mine = [k for k in story.blocks if self.blocks[k].line in caption]
        rest = [k for k in story.blocks if self.blocks[k].line not in caption][-12:]
        return bool(mine) and self.topics.similarity(self.topics.of(mine), self.topics.of(rest)) < TITLED_PHOTO_SIM

    def take_credit(self, story: Story, credit: Credit) -> None:
        story.credits.append(credit)
        if story.body_count and not story.feature and not story.briefs:
            story.closed = True

    # -- decisions
    def untitled_continuation(self, group: list[int], nxt: int | None) -> Story | None:
        """The continued story a jump headline belongs to when its first column
        ended on a paragraph's end (so no cut points at it): the page's last
        stories are all "(上接第N版)" columns still without a title, and the
        headline and the text under it share their words with one of them."""
        if len(group) > 2 or nxt is None or self.blocks[nxt].kind != "body" or nxt in self.head_of:
            return None
        tail: list[Story] = []
        for s in reversed(self.stories):
            if s.from_page is None:
                break
            tail.append(s)
        orphans = [s for s in tail if not s.headlines and s.body_count]
        # A column whose cut sentence goes on further down goes on under its own
        # jump headline, further down too: this one is not its.
        waiting = [s for s in orphans if not any(self.pairs.get(k, -1) > group[-1] for k in s.blocks)]
        if not waiting:
            return None
        follow = self.topics.of(list(group) + body_run(self.blocks, nxt, 1, 3))
        sim, best = max((self.topics.similarity(self.topics.of(s.blocks), follow), k) for k, s in enumerate(waiting))
        # right under the only untitled column, or the only one still waiting, a headline needs less to claim it
        adjacent = len(orphans) == 1 and bool(orphans[0].blocks) and orphans[0].blocks[-1] == group[0] - 1
        alone = len(waiting) == 1 and len(orphans) > 1
        return waiting[best] if sim >= (0.0 if alone else 0.02 if adjacent else 0.08) else None

    def headline_opens_story(self, group: list[int], nxt: int | None) -> bool:
        cur = self.current
        if cur is None or cur.closed or cur.photo:
            return True
        if cur.body_count == 0:
            # under a headline and its byline, before any text: "引 子", a section label;
            # but a headline signed by a byline of its own under it is the next module's
            # ("title / 陶相安 / title / 施钰": two heads read one after the other)
            # (and so is one under a headline and its reporters' line, over a dateline: a byline
            # is set under the last of a story's headline lines)
            nb = self.blocks[nxt] if nxt is not None else None
            return not cur.headlines or (bool(cur.credits) and nb is not None and (
                nb.kind == "credit" or (nb.kind == "body" and lead_credit(nb.core) is not None)))
        first = self.blocks[group[0]].core
        if not cur.feature and cur.paras and SIGN_OFF_RE.match(cur.paras[-1][0]):
            return True  # an editors' note signed "——编  者" has ended; its pieces are stories of their own
        if cur.briefs:
            # the next item, unless a headline set as a story's (with a kicker or
            # subtitle, its column's name, or another column's label) ends the column
            nb = self.blocks[nxt] if nxt is not None else None
            return len(group) >= 2 or bool(COLUMN_TAG_RE.search(first)) or _label(first) or first.endswith("——") \
                or nb is None or nb.kind != "body" or nb.from_page is not None \
                or (group[0] > 0 and self.blocks[group[0] - 1].kind == "editor")
        if cur.feature:
            # a feature's parts go on until the staff credit, a column's headline or a dateline ends it
            # (or a 副题 "——…观后": set under a story's title, never under a part's heading)
            dateline = nxt is not None and self.blocks[nxt].kind == "body" and lead_credit(self.blocks[nxt].core) is not None
            return dateline or (group[0] > 0 and self.blocks[group[0] - 1].kind == "editor") or any(
                COLUMN_TAG_RE.search(self.blocks[g].core) for g in group) or _dash_subtitled(
                [self.blocks[g].core for g in group])
        if self.first_part(cur, group, nxt):
            cur.feature = True
            return False
        shape = _ordinal(first)
        if shape and any(_ordinal(p[3:]) == shape for p, _ in cur.paras if p.startswith("## ")):
            return False  # "第二步“叫”" after "第一步…", "误区②" after "误区①": the next of a numbered series
        if first.endswith("——") and len(group) >= 2 and not COLUMN_TAG_RE.search(self.blocks[group[1]].core) \
                and any(p.startswith("## ") and p.endswith("——") for p, _ in cur.paras):
            # a story in parts set alike ("中国法官梅汝璈——" / "“…”" / its reporters):
            # one more part, even under its own byline
            return False
        if nxt is not None:
            nb = self.blocks[nxt]
            # (a bare name under the lines, "牛志远  许陈静", may sign a part of the story)
            if (nb.kind == "credit" and not (nb.credit and names_only(nb.credit))) or nb.from_page is not None \
                    or nb.kind == "marker":
                return True
            if nb.kind == "body" and lead_credit(nb.core) is not None:
                return True
        if _label(first):
            return True  # "图片报道", "八方速递": a column's name heads its own items, never a section
        if any(COLUMN_TAG_RE.search(self.blocks[g].core) for g in group):
            return True  # "…高坝（探访全球第一）": a title carries its column's name, a subheading never does
        if _dash_subtitled([self.blocks[g].core for g in group]):
            return True  # a 副题 "——访…" is set under a story's title, never under a subheading
        if len(first) <= LABEL_MAX and len(group) >= 2:
            return False  # a section label and its subheading: "布点" / "“小上海”在“大上海”开辟窗口"
        features = self.story_start_features(group, nxt)
        z = STORY_START.logit(features)
        decision = z > 0
        cur.margins.append(abs(z))
        self.opening_margin = abs(z) if decision else None
        if self.trace is not None:
            self.trace.append(Decision("story_start", features, decision,
                                       tuple(self.blocks[g].line for g in group), body_lines(cur)[-6:]))
        return decision

    def first_part(self, cur: Story, group: list[int], nxt: int | None) -> bool:
        """The first part of a series' umbrella piece (`regroup.umbrella_parts`): under a
        title carrying its column's name and a few unsigned lines that introduce it, an
        引题 "提升治理效能——" and a title over an author's name. From here on the walk
        reads the piece as a feature: its parts' signatures stay in its text."""
        nb = self.blocks[nxt] if nxt is not None else None
        return (not cur.closed and heads_parts(cur)
                and 1 <= cur.body_count <= 2 and not any(p.startswith("## ") for p, _ in cur.paras)
                and len(group) >= 2 and kicker_like(self.blocks[group[0]].core)
                and not any(COLUMN_TAG_RE.search(self.blocks[g].core) for g in group)
                and nb is not None and nb.kind == "credit" and nb.credit is not None and bool(nb.credit.bylines))

    def story_start_features(self, group: list[int], nxt: int | None) -> dict[str, float]:
        """General signals that a headline-like block opens a new story rather than
        a section of the open one; `fitted.STORY_START` weighs them."""
        cur = self.current
        assert cur is not None
        first = self.blocks[group[0]].core
        texts = [self.blocks[g].core for g in group]
        follow = list(group)
        nb = self.blocks[nxt] if nxt is not None else None
        if nb is not None and nb.kind == "body":
            follow += body_run(self.blocks, nxt, 1, 2)
        sim = self.topics.similarity(self.topics.of(cur.blocks[-8:]), self.topics.of(follow))
        subs = [p[3:] for p, _ in cur.paras if p.startswith("## ")]
        labels = bool(subs) and all(len(x) <= LABEL_MAX for x in subs)
        last_text = next((p for p, _ in reversed(cur.paras) if not p.startswith("## ")), "")
        return {
            "sim": sim,
            "sim_below_002": float(sim < 0.02),  # nothing in common with the story so far
            "sim_below_004": float(sim < 0.04),
            "sim_above_01": float(sim > 0.1),
            "dated_lead": float(cur.lead is not None),  # a dated news item rarely has subheadings
            "credited": float(bool(cur.credits)),  # its byline is printed: the story may be over
            # a story with subheadings has more of them (unless they were labels like "街巷")
            "has_subheadings": float(bool(subs) and not (len(group) == 1 and labels and len(first) > LABEL_MAX)),
            "one_more_label": float(labels and len(first) <= LABEL_MAX),
            "several_lines": float(len(group) >= 2),
            # a 副题 "——访…" is set under a story's title; a section of a story has at
            # most a label over its subheading ("奥姆布鲁储能项目——" / "“…”")
            "dash_subtitle": float(len(group) >= 2 and any(t.startswith("——") for t in texts[1:])),
            # staff credits sit between stories, not inside them
            "after_editor_line": float(group[0] > 0 and self.blocks[group[0] - 1].kind == "editor"),
            "chapter": float(bool(CHAPTER_RE.match(first))),  # "第二章 监狱": the parts of one long text
            # this page ends its stories with a credit, and this one has had none yet
            "credit_still_due": float(self.closing_credits >= 2 and not cur.credits),
            "text_finished": float(ends_sentence(last_text)),
            # the text closed with a note or a chart's source ("数据来源：…")
            "after_closing_note": float(closing_note(last_text)),
            "kicker_mark": float(first.endswith(("——", "—", "：", ":", "？", "?"))),
            "title_punctuation": float(bool(re.search(r"[，,！!]", first))),
            "headline_length": min(len(first), 60) / 30,
            "story_length": min(cur.body_count, 20) / 10,
            "lead_under": float(nb is not None and nb.kind == "body" and bool(OPENING_RE.match(nb.core) or OPENER_RE.match(nb.core))),
            "long_text_under": float(nb is not None and nb.kind == "body" and len(nb.core) >= 80),
            "ordinal": float(_ordinal(first) is not None),
            "quoted": float(first.startswith(("“", "\"")) and first.endswith(("”", "\""))),
        }

    def walk(self) -> None:
        blocks = self.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            if i in self.head_of:
                # A fragment already joined to the paragraph it continues: the
                # reading goes on in that story from here.
                story = self.owner.get(self.head_of[i])
                if story is not None:
                    self.resume(story, i)
                i += 1
                continue
            if b.kind == "editor":
                self.credits.append(b.raw)
                i += 1
                continue
            if b.kind == "furniture":
                self.leftovers.append(Leftover(b.line, b.raw, "page header or footer (date, page number)"))
                i += 1
                continue
            if b.kind == "marker":
                if b.from_page is not None:
                    s = self.headed_or_new()
                    s.from_page = b.from_page
                    s.markers.extend(b.markers)
                    s.lines.add(b.line)
                elif self.current is not None:
                    self.current.to_page = b.to_page
                    self.current.markers.extend(b.markers)
                    self.current.lines.add(b.line)
                    self.current.closed = True
                else:
                    self.leftovers.append(Leftover(b.line, b.raw, "jump marker outside any article"))
                i += 1
                continue
            if b.kind == "credit":
                self.credit_line(i)
                i += 1
                continue
            if b.kind == "short":
                i = self.short_group(i)
                continue
            self.body(i)
            i += 1

    def resume(self, story: Story, h: int) -> None:
        t = self.head_of[h]
        if self.current is story and not story.photo:
            # Paragraphs printed between the cut and its continuation, inside
            # the same story, were a lead box the extractor met mid-column.
            start = self.para_at_tail(story, t)
            if start is not None:
                between = story.paras[start + 1:]
                boxed = bool(between) and len(between) <= 2 and all(not p.startswith("## ") for p, _ in between)
                if boxed and story.lead is not None and lead_credit(between[0][0]) is not None \
                        and start >= 2 and story.paras[start - 1][0].startswith("## "):
                    # A story that opened with its own dateline has no second: the
                    # "subheading" over the cut paragraph is the next story's headline.
                    story = self.dateline_opens_story(story, start - 1)
                elif boxed:
                    del story.paras[start + 1:]
                    story.paras[0:0] = between
                    story.review.append(
                        f"paragraph at line {between[0][1][0]} was printed inside a cut paragraph; moved to the front"
                    )
                    story.lead = None
                    for text, _ in story.paras[:1]:
                        story.lead = lead_credit(text)
        hb = self.blocks[h]
        if hb.credit is not None:
            self.take_credit(story, hb.credit)
        if not story.photo:  # a picture cut in two does not take the reading away from the article
            self.current = story

    def dateline_opens_story(self, story: Story, k: int) -> Story:
        """The story's subheading at paragraph k, the cut paragraph under it and the
        dateline printed inside that paragraph, as a story of its own: the heading
        its headline, the dateline its first paragraph."""
        heading, (head_line, *_) = story.paras[k]
        cut, *between = story.paras[k + 1:]
        del story.paras[k:]
        new = Story(headlines=[(heading.removeprefix("## "), head_line)], paras=between + [cut])
        hand_over(story, new, {head_line} | {ln for _, lns in new.paras for ln in lns}, self.blocks)
        for b in new.blocks:
            self.owner[b] = new
        new.lead = lead_credit(between[0][0])
        # (a doubt about a line that moved goes with it)
        new.review = [r for r in story.review if (m := AT_LINE_RE.search(r)) and int(m.group(1)) in new.lines]
        story.review = [r for r in story.review if r not in new.review]
        new.review.append(f"headline at line {head_line} read from the dateline printed under it, inside a cut paragraph")
        self.stories.insert(self.stories.index(story) + 1, new)
        return new

    def para_at_tail(self, story: Story, t: int) -> int | None:
        """Index of the paragraph holding block t (paragraphs may have moved)."""
        line = self.blocks[t].line
        for idx, (_, lines) in enumerate(story.paras):
            if line in lines:
                return idx
        return None

    def credit_line(self, i: int) -> None:
        b = self.blocks[i]
        cur = self.current
        credit = b.credit
        assert credit is not None
        # Credits printed one under another ("（王巨川参与采写）" / "(丁雅诵)") sign one story;
        # so does one under a note ending it ("（作者为…）").
        after_credit = i > 0 and self.blocks[i - 1].kind == "credit" and cur is not None \
            and self.blocks[i - 1].line in cur.lines and cur.body_count > 0
        # (but a reporters' line "本报记者 …" heads the text under it: under a note it opens the next story)
        under_note = cur is not None and cur.noted and not cur.credits and not heads_text(credit)
        if under_note or after_credit:
            cur.credits.append(credit)
            cur.lines.add(b.line)
            return
        if cur is not None and not cur.closed and i > 0 and self.blocks[i - 1].kind == "editor" and cur.credits:
            cur = None  # under the page's editor line a name opens the next module, not the signed story above
        if cur is not None and not cur.closed and heads_text(credit) and cur.body_count and signed(cur) \
                and i > 0 and self.blocks[i - 1].complete:
            cur = None  # a reporters' line "本报记者 …" under a signed story's finished text opens the next one
        if cur is None or cur.closed:
            if cur is not None and credit.bylines and i - 1 in self.head_of \
                    and self.blocks[i - 1].line in cur.lines and not any(c.bylines for c in cur.credits):
                # names under the rest of a cut paragraph sign the story that paragraph went back to,
                # though a note such as "（…参与采写）" was printed before them
                cur.credits.append(credit)
                cur.lines.add(b.line)
                return
            if credit.photographers and not credit.bylines and cur is not None and cur.body_count:
                cur.credits.append(credit)
                cur.lines.add(b.line)
                return
            s = self.new_story()
            s.credits.append(credit)
            s.lines.add(b.line)
            return
        if credit.photographers and not credit.bylines:
            if cur.body_count == 1 and not cur.headlines:
                cur.photo = True
            elif cur.body_count >= 2 and not cur.paras[-1][0].startswith("## ") and (
                    "图为" in cur.paras[-1][0] or (signed(cur) and len(cur.paras[-1][0]) <= CAPTION_MAX)):
                # A caption and its photographer printed inside a signed article:
                # the picture is a story of its own; the article goes on after it.
                self.picture_out_of(cur, credit, b.line, titled=False)
                return
            elif self.titled_photo_inside(cur):
                # a titled picture ("夏日采菱" / its caption / "王江摄") printed after a text's
                # last column, its caption speaking of nothing the text speaks of
                self.picture_out_of(cur, credit, b.line, titled=True)
                return
            elif signed(cur) and cur.body_count >= 2:
                # a picture's credit read among a signed text's columns, its caption printed
                # elsewhere (under the headline: regroup.caption_under_headline): the text goes on
                cur.credits.append(credit)
                cur.lines.add(b.line)
                return
        cur.lines.add(b.line)
        if cur.paras and cur.paras[-1][0].startswith("## ") and credit.bylines:
            if _signs_part(cur, credit):
                cur.paras.append((f"## {b.raw}", [b.line]))  # as printed, over the part it signs
                return
            cur.credits.append(credit)  # under a part's heading: the part's reporters, not the story's end
            return
        self.take_credit(cur, credit)

    def body(self, i: int) -> None:
        b = self.blocks[i]
        cur = self.current
        end = self.blocks[self.chain(i)[-1]]  # a caption cut in two carries its credit at the end
        photo = end.credit is not None and bool(end.credit.photographers) and not end.credit.bylines
        if photo:
            # (a headline over a reporter's byline heads an article: a picture printed
            # between them and the text is a story of its own)
            # (so does one under captions of its own, "图为…": a set of photos credited once)
            if cur is not None and not cur.closed and cur.headlines and cur.from_page is None \
                    and not any(c.bylines for c in cur.credits) and (cur.body_count == 0 or (
                        cur.body_count <= 3 and cur.lead is None and not cur.credits
                        and all("图为" in p for p, _ in cur.paras if not p.startswith("## ")))):
                cur.photo = True
                self.add_paragraph(cur, i)
                cur.closed = True
                return
            previous = cur
            s = self.new_story()
            s.photo = True
            self.add_paragraph(s, i)
            s.closed = True
            # a photo printed inside an article does not end the article
            self.current = previous if previous is not None and not previous.closed else s
            return
        if b.from_page is not None:
            cur = self.headed_or_new()
            cur.from_page = b.from_page
        elif cur is not None and cur.body_count and not cur.photo \
                and closing_note("".join(self.blocks[k].core for k in self.chain(i))):
            # "（作者为…）" under the text, even under its byline, is still the story's,
            # and the story ends with it (a chart's "数据来源：" may have text after it)
            self.add_paragraph(cur, i)
            if b.core.startswith(("（", "(")) and not cur.closed:
                cur.closed = cur.noted = True
            return
        elif cur is None or cur.closed or cur.photo:
            resumed = self.interleaved_owner(i, cur) if lead_credit(b.core) is None else None
            if resumed is not None:
                self.current = resumed
                self.add_paragraph(resumed, i)
                return
            cur = self.new_story()
            if lead_credit(b.core) is None:
                cur.review.append(f"no headline found before line {b.line}")
        elif (cur.body_count >= 2 or (cur.body_count and not cur.headlines)) and lead_credit(b.core) is not None \
                and not (i and self.pairs.get(i - 1, -1) > i) and not cur.briefs:
            # A dateline only ever opens a story: the story before has ended, and
            # the line just above, when it reads as one, is this story's headline.
            # (A lead printed inside a cut paragraph of its own story stays there, and
            # a quotation printed between a headline and its dateline is the story's.)
            previous = cur
            cur = self.new_story()
            last_text, last_lines = previous.paras[-1] if previous.paras else ("", [])
            above = self.blocks[i - 1] if i else None
            if (above is not None and len(last_lines) == 1 and above.line == last_lines[0] and above.credit is None
                    and not above.markers and len(last_text) <= 2 * SHORT_MAX and "。" not in last_text[:-1]
                    and last_text[-1:] not in "。；;"):
                previous.paras.pop()
                previous.lines.discard(above.line)
                cur.headlines.append((last_text.removeprefix("## "), above.line))  # a subheading until now
                cur.lines.add(above.line)
                cur.review.append(f"headline at line {above.line} read from the dateline under it")
            else:
                cur.review.append(f"no headline found before line {b.line}")
        elif lead_credit(b.core) is None and (resumed := self.interleaved_owner(i, cur)) is not None:
            cur = self.current = resumed
        self.add_paragraph(cur, i)

    def interleaved_owner(self, i: int, cur: Story | None) -> Story | None:
        """The open story a new paragraph continues when it is not the current one's:
        where two stories' column blocks alternate, a column of story A comes
        after story B's headline and first column. `fitted.INTERLEAVED` weighs
        how much more the paragraph shares with A than with B."""
        if i in self.head_of or (i and self.pairs.get(i - 1, -1) > i):
            return None
        if cur is not None and cur.headlines and not cur.body_count and not cur.closed and not cur.photo:
            return None  # a headline's text is printed under it
        others = [s for s in self.stories[-4:] if s is not cur and not s.closed and not s.photo and s.body_count
                  and not s.briefs and not s.feature]
        if not others:
            return None
        follow = self.topics.of(self.chain(i) + body_run(self.blocks, i, 1, 1))
        sims = [self.topics.similarity(self.topics.of(s.blocks[-8:]), follow) for s in others]
        k = max(range(len(others)), key=sims.__getitem__)
        other = others[k]
        open_cur = cur is not None and not cur.closed and not cur.photo and cur.body_count > 0
        sim_cur = self.topics.similarity(self.topics.of(cur.blocks[-8:]), follow) if open_cur and cur else 0.0
        since = i - max(other.blocks, default=i)
        b = self.blocks[i]
        features = {
            "sim_other": sims[k],
            "sim_current": sim_cur,
            "sim_gain": sims[k] - sim_cur,
            "current_closed": float(not open_cur),
            "current_paragraphs": min(cur.body_count if cur else 0, 10) / 5,
            "current_headed": float(bool(cur and cur.headlines)),
            "blocks_since": min(since, 30) / 10,
            "other_unfinished": float(not ends_sentence(other.paras[-1][0])) if other.paras else 0.0,
            "opens_like_lead": float(bool(OPENING_RE.match(b.core) or OPENER_RE.match(b.core))),
            "column_top": float(i > 0 and self.blocks[i - 1].kind != "body"),
        }
        z = INTERLEAVED.logit(features)
        if self.trace is not None:
            self.trace.append(Decision("interleaved", features, z > 0, (b.line,),
                                       body_lines(cur)[-6:] if open_cur and cur else (),
                                       other=body_lines(other)[-6:]))
        if z <= 0:
            return None
        other.review.append(f"paragraph at line {b.line} read as this story's, printed after another story's column")
        other.margins.append(abs(z))
        return other

    def short_group(self, i: int) -> int:
        blocks = self.blocks
        group = []
        j = i
        while j < len(blocks) and blocks[j].kind == "short" and j not in self.head_of and len(group) < 6:
            group.append(j)
            j += 1
        # A name under headline lines signs them: "title / 陶相安 / title / 施钰" are two
        # stories' heads read one after another, not one headline and its subheadings.
        for k in range(1, len(group)):
            if parse_credit(blocks[group[k]].core, bare=True) is not None and not kicker_like(blocks[group[k - 1]].core):
                j = group[k]
                del group[k:]
                break
        # a document's date line ends its headline: what follows ("中华人民共和国主席令") is its text's
        dated = next((k for k, g in enumerate(group) if DOCUMENT_DATE_RE.match(blocks[g].core)), None)
        if dated is not None and dated + 1 < len(group):
            j = group[dated + 1]
            del group[dated + 1:]
        nxt = j if j < len(blocks) else None
        cur = self.current
        # A name alone on a line: the end of an essay, or its author under the headline.
        if len(group) == 1 and cur is not None and (not cur.closed or (cur.noted and not cur.credits)) \
                and (cur.body_count or cur.headlines):
            c = parse_credit(blocks[group[0]].core, bare=True)
            if c is not None and (nxt is None or blocks[nxt].kind != "short" or not cur.body_count):
                cur.lines.add(blocks[group[0]].line)
                self.take_credit(cur, c)
                return j
        # An author's sign-off right after the text, then the next story's headline:
        # "湖南长沙市  吴  峥" / "以村医为主力" / …
        # (also under a note that closed the text, "（作者为…）" / "韩庆祥文": the author signs after it)
        # (or its author under its headline, before the next module's headline)
        if len(group) >= 2 and cur is not None and (not cur.closed or (cur.noted and not cur.credits)) and (
                (cur.body_count and group[0] > 0 and blocks[group[0] - 1].kind == "body")
                or (cur.headlines and not cur.body_count and not cur.credits and not kicker_like(cur.headlines[-1][0]))):
            c = parse_credit(blocks[group[0]].core, bare=True)
            if c is not None:
                cur.lines.add(blocks[group[0]].line)
                self.take_credit(cur, c)
                return i + 1
        # A document's signature, its issuer over its bare date ("中共无锡市委" / "（2026年7月1日）"),
        # ends its text: no headline.
        if (cur is not None and not cur.closed and cur.body_count and nxt is not None and len(group) <= 2
                and blocks[nxt].kind == "body" and SIGNED_DATE_RE.match(blocks[nxt].core)):
            for g in group:
                self.add_paragraph(cur, g)
            return j
        # Short lines right before a closing credit "(吴丹)" end the text: the
        # last paragraph "这抹红色，永远鲜艳！" is no headline.
        if (cur is not None and not cur.closed and cur.body_count and nxt is not None
                and blocks[nxt].kind == "credit" and blocks[nxt].raw[:1] in "(（"):
            for g in group:
                self.add_paragraph(cur, g)
            return j
        # A headline printed after a continuation's first column belongs to it.
        if nxt is not None and nxt in self.head_of:
            story = self.owner.get(self.head_of[nxt])
            if story is not None and (story is not cur or (not story.headlines and story.from_page is not None)):
                lines = [(blocks[g].core, blocks[g].line) for g in group]
                if not story.headlines:
                    # A jump title is one line: lines before it that read as text, or
                    # that follow another continued story's text, end the story before.
                    while len(lines) > 1 and not lines[0][0].endswith("——") and cur is not None and cur.body_count \
                            and (re.search(r"[，,、]", lines[0][0]) or cur.from_page is not None):
                        text, line = lines.pop(0)
                        cur.paras.append((text, [line]))
                        cur.lines.add(line)
                        cur.review.append(f"short line {line} read as the end of the text; check it is not a headline")
                    heads, subs = _split_headlines(lines)
                    story.headlines.extend(heads)
                    story.paras.extend((f"## {t}", [ln]) for t, ln in subs)
                    story.review.append(f"jump headline at line {lines[0][1]} printed after the first column")
                else:
                    story.paras.extend((f"## {t}", [ln]) for t, ln in lines)
                for _, ln in lines:
                    story.lines.add(ln)
                self.current = story
                return j
        story = self.untitled_continuation(group, nxt)
        if story is not None:
            lines = [(blocks[g].core, blocks[g].line) for g in group]
            story.headlines.extend(lines)
            story.lines.update(ln for _, ln in lines)
            story.review.append(f"jump headline at line {lines[0][1]} matched to this story by its words")
            self.current = story
            return j
        if self.headline_opens_story(group, nxt):
            # Short lines with no text after them (page furniture, a lone caption
            # title at the page's end) have no story to head.
            if nxt is None or blocks[nxt].kind in ("editor",):
                for g in group:
                    self.leftovers.append(Leftover(blocks[g].line, blocks[g].raw, "short line with no article after it"))
                return j
            lines = [(blocks[g].core, blocks[g].line) for g in group]
            heads, subs = _split_headlines(lines)
            briefs = len(lines) >= 2 and _label(lines[0][0]) and not lines[1][0].endswith("——") \
                and not COLUMN_TAG_RE.search(lines[1][0])
            if briefs:  # "环球扫描" over its first item's headline
                heads, subs = lines[:1], lines[1:]
            s = self.new_story()
            s.briefs = briefs
            s.headlines.extend(heads)
            s.blocks.extend(group)
            s.paras.extend((f"## {t}", [ln]) for t, ln in subs)
            for _, ln in lines:
                s.lines.add(ln)
            if len(heads) > 3 or (len(heads) == 3 and not heads[0][0].endswith("——")):
                s.review.append("headline lines guessed: check kicker, title and subtitle")
            return j
        assert cur is not None
        cur.blocks.extend(group)
        for g in group:
            cur.paras.append((f"## {blocks[g].core}", [blocks[g].line]))
            cur.lines.add(blocks[g].line)
        return j


PARTICLE_ENDS = set("的地得和与及或把被在对从向为是了着将于以等")  # a phrase cannot stop on these
FOLLOWERS = set("的了着过地得们后里内中间时等及和与或并")  # a paragraph does not open on these


def _reads_as_heading(text: str) -> bool:
    return (len(text) < 8 or ends_sentence(text) or bool(COLUMN_TAG_RE.search(text))
            or text.startswith(("——", "“", "【", "（", "(")) or text.endswith(("——", "：", ":"))
            # (a quotation closing a line closes a heading that opened with it; "前不久,枫源村“两委”"
            # quotes a word of a sentence)
            or (text.endswith("”") and text.count("“") == 1 and text.index("“") <= 4)
            or bool(CHAPTER_RE.match(text)) or _label(text) or parse_credit(text, bare=True) is not None)


def _goes_on(text: str, after: str) -> bool:
    """The short line `text` and the paragraph `after` under it read as one sentence
    cut in two: the paragraph does not open like one, and a word crosses the seam,
    the line stops mid-word or on a particle, the paragraph opens with the end of a
    clause ("后，即刻…", "降雨影响，…") or with a word that follows another ("里", "的")."""
    if after.startswith("## ") or bool(OPENING_RE.match(after) or OPENER_RE.match(after) or lead_credit(after)) \
            or after[:1] in "“\"（(《【":
        return False
    first_clause = re.match(r"[^，。、；：？！,;:?!]*", after)
    return (seam_word(text[-4:], after[:4]) >= 2 or ends_mid_word(text) or text[-1:] in PARTICLE_ENDS
            or (first_clause is not None and len(first_clause.group()) <= 4 and len(after) > len(first_clause.group()))
            or after[:1] in FOLLOWERS)


def _dateline_first(s: Story) -> None:
    """A dateline paragraph printed after a paragraph or two of its story's text
    (a lead set under the first column's piece) is the story's first paragraph:
    a dateline opens its story's text."""
    if s.briefs or s.photo or s.lead is not None or s.from_page is not None or not s.headlines:
        return
    for k, (text, _lines) in enumerate(s.paras[1:3], start=1):
        if text.startswith("## "):
            return
        lead = lead_credit(text)
        if lead is not None:
            s.paras.insert(0, s.paras.pop(k))
            s.lead = lead
            s.review.append(f"paragraph at line {s.paras[0][1][0]} was printed inside the text after a paragraph or two; "
                            "a dateline opens the text: moved to the front")
            return


def _lone_subheading_is_text(s: Story, indented: frozenset[int]) -> None:
    """A story's "subheading" that reads like the first part of a sentence goes on
    in the paragraph under it.

    Subheadings come in sets: a story is divided into two parts or more, each
    under its own heading. One short line alone inside a text is far more often
    a paragraph cut by a column break whose first part is short ("小恒山派出所接到
    协调通知" / "后，即刻安排专人查阅户籍档案…") than a story's single section. In a
    set, a line is text only where it plainly stops mid-clause: after a clause
    break ("以往，境外旅客办理离境退税"), on a word that leads into more ("…联动等"),
    or opening the way a paragraph opens ("然而", "针对").
    """
    if s.briefs:
        return
    subs = [k for k, (p, _) in enumerate(s.paras) if p.startswith("## ")]
    for k in reversed(subs):
        if not 0 < k < len(s.paras) - 1 or s.paras[k - 1][0].startswith("## ") or s.paras[k + 1][0].startswith("## "):
            continue
        text, lines = s.paras[k][0][3:], s.paras[k][1]
        after, after_lines = s.paras[k + 1]
        if _reads_as_heading(text) or after_lines[0] in indented:
            continue  # (an indented line opens its paragraph: the line over it is not its start)
        if not (_goes_on(text, after) and (len(subs) == 1 or _stops_mid_clause(text)) or _opens_like_text(text)):
            continue
        s.paras[k:k + 2] = [(text + after, lines + after_lines)]
        s.review.append(f"short line {lines[0]} read as the start of the paragraph under it; check it is not a subheading")


# A paragraph opens on these, a subheading seldom does.
CONNECTIVE_RE = re.compile(r"^(?:然而|但是|但|而|并且|同时|针对|作为|对于|随着|由于|因为|如果|虽然|尽管|为了|通过|根据|按照|以往|过去|此后|之后|后来|前不久|不久前|最近|近来|眼下|当下|随后|起初|当时|那时)")


def _stops_mid_clause(text: str) -> bool:
    """The line stops on a particle ("…联动等"), so plainly that a set's heading
    would not. (A word across the seam, or a last character that is no word
    alone, is no sign here: a heading "…到一片城" over "改造让…" has both.)"""
    return text[-1:] in PARTICLE_ENDS


def _opens_like_text(text: str) -> bool:
    """"以往，境外旅客办理离境退税", "然而,就在田某英准备": a paragraph's opening words, then a clause break."""
    return bool((CONNECTIVE_RE.match(text) or OPENER_RE.match(text) or OPENING_RE.match(text))
                and re.search(r"[，,]", text))


def _finish(s: Story) -> StoryDraft | None:
    kicker, title, subtitle = _fields([h for h, _ in s.headlines[:3]])
    # never drop a printed line: headline lines beyond three lead the body as subheadings
    s.paras[0:0] = [(f"## {h}", [ln]) for h, ln in s.headlines[3:]]
    bylines: list[str] = []
    photographers: list[str] = []
    # (a column of briefs has no authors of its own: each item names its reporters in its dateline)
    if s.lead is not None and not s.briefs:
        bylines.extend(s.lead.bylines)
        photographers.extend(s.lead.photographers)
    for c in s.credits:
        bylines.extend(c.bylines)
        photographers.extend(c.photographers)
    if s.from_page is not None:
        kind = "continuation"
    elif s.photo or (photographers and not bylines and s.body_count <= 1 and s.credits):
        kind = "photo"
    else:
        kind = "article"
    review = list(dict.fromkeys(s.review + [c.doubt for c in s.credits if c.doubt]))
    if not s.paras and not s.headlines:
        if not s.credits and not s.markers:
            return None
        review.append("credit or jump marker with no article text")
    elif s.headlines and not s.body_count and kind == "article":
        review.append(f"headline at line {s.headlines[0][1]} has no text under it: check which article's text it heads")
    return StoryDraft(
        kind=kind, kicker=kicker, title=title, subtitle=subtitle,
        paragraphs=tuple(p for p, _ in s.paras),
        bylines=tuple(dict.fromkeys(bylines)), photographers=tuple(dict.fromkeys(photographers)),
        credit=" ".join(c.text for c in s.credits if c.text) or None,
        dateline=next((c.dateline for c in ([s.lead] if s.lead else []) + s.credits if c.dateline), None),
        continued_from_page=s.from_page, continued_to_page=s.to_page,
        lines=tuple(sorted(s.lines)), review=tuple(review), markers=tuple(s.markers),
    )


def _date_hint(lines: list[str]) -> str | None:
    for line in lines[:8]:
        m = DATE_RE.search(line)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                return None
    return None


def over_headline(blocks: list[Block], i: int) -> bool:
    """Short line i stands over a headline that carries its column's name, after
    a finished text or at the page's top: an 引题 ("7月1日起，…政策落地实施"),
    however much it reads like a lead."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    before = blocks[i - 1] if i else None
    if nxt is not None and nxt.kind == "short" and all(b.kind == "furniture" for b in blocks[:i]):
        # A page opens with a headline: text carried over from another page opens
        # with its jump marker, so a first line over another headline line is an 引题.
        return True
    return (nxt is not None and nxt.kind == "short" and bool(COLUMN_TAG_RE.search(nxt.core))
            and (before is None or before.kind != "body" or before.complete))


def under_headline_over_dateline(blocks: list[Block], i: int) -> bool:
    """Short line i stands between a headline line and the dateline opening a text
    ("覆盖学科类、非学科类" / "本报呼和浩特7月15日电…"): a 副题, not text, since a
    text opens with its dateline."""
    return _between_headline_and_dateline(blocks, i) and not re.search(r"[，,；;]", blocks[i].core)


def _between_headline_and_dateline(blocks: list[Block], i: int) -> bool:
    return (0 < i < len(blocks) - 1 and blocks[i - 1].kind == "short" and blocks[i + 1].kind == "body"
            and lead_credit(blocks[i + 1].core) is not None)


def _long_title(blocks: list[Block], i: int) -> bool:
    """A line too long for a headline that is a title all the same, when it has no
    sentence in it and does not go on from the text above: one over a dash subtitle
    ("——学习《…》第一至五卷"), or one carrying its column's name, however long
    ("中国特色城市治理现代化的科学指南（深入学习贯彻…第一至五卷通读）")."""
    b = blocks[i]
    if b.kind != "body" or b.markers or b.credit is not None or len(b.core) > 3 * SHORT_MAX or "。" in b.core \
            or ends_sentence(b.core) or lead_credit(b.core) is not None \
            or (i and blocks[i - 1].kind == "body" and not blocks[i - 1].complete):
        return False
    below = blocks[i + 1] if i + 1 < len(blocks) else None
    return bool(COLUMN_TAG_RE.search(b.core)) or (
        below is not None and below.kind == "short" and below.core.startswith("——") and not SIGN_OFF_RE.match(below.core))


def _long_deck(blocks: list[Block], i: int) -> bool:
    """A long line between a headline line and the dateline opening a text, with no
    sentence's end in it, is a deck: "先从跨省异地就医患者开始实施，再逐步推进…" is
    the 副题 of "基本医保医疗服务项目目录（第一批）四季度将出炉", however long."""
    b = blocks[i]
    return (b.kind == "body" and not b.markers and b.credit is None and _between_headline_and_dateline(blocks, i)
            and lead_credit(b.core) is None
            and len(b.core) <= DECK_MAX and "。" not in b.core and not ends_sentence(b.core)
            # (a paragraph's piece cut at a column's foot stops mid-word: "…富饶壮", "…精神的")
            and not ends_mid_word(b.core) and b.core[-1:] not in PARTICLE_ENDS)


DECK_MAX = 80  # longest deck printed as one line between a headline and its dateline


def _logical_blocks(lines: list[str], p: Printed) -> list[Block]:
    """One block for a re-joined paragraph; its printed lines one by one when the
    whole does not read as text (an editor credit, a byline set over two lines)."""
    b = replace(classify(p.numbers[0], p.text), more=p.numbers[1:])
    if len(p.numbers) == 1 or b.kind in ("body", "short"):
        return [b]
    one_by_one = last_characters_together([Printed((n,), lines[n - 1]) for n in p.numbers])
    return [replace(classify(q.numbers[0], q.text), more=q.numbers[1:]) for q in one_by_one]


def reconstruct(lines: list[str], source: str, *, trace: list[Decision] | None = None) -> PageDraft:
    """Rebuild a page's stories from its raw lines (line numbers are index + 1).

    With `trace`, every learnt decision is appended to it (`benchmarks/fit_import.py`)."""
    # PDF look-alikes first (⽉ for 月), so every rule below reads ordinary text.
    lines, folded = fold_lines(lines)
    blocks = [b for p in rejoin(lines) for b in _logical_blocks(lines, p)]
    # adverts and the paper's notices (hotline, call for submissions, media partner) are no story's
    furniture = page_furniture(blocks)
    advert_leftovers = [Leftover(n, lines[n - 1].strip(), reason) for i, reason in sorted(furniture.items())
                        for n in (blocks[i].line,) + blocks[i].more]
    blocks = [b for i, b in enumerate(blocks) if i not in furniture]
    # The line after "(上接第1版)" is the continued text, however short; so is
    # a short line that reads as part of a sentence.
    blocks = [replace(b, kind="short") if _long_title(blocks, i) else b for i, b in enumerate(blocks)]
    # "编者按" alone on its line heads the editors' note under it: the note's first lines are
    # its text, however short ("当我们谈论博物馆时,我们在谈论什么?")
    notes = {i for i, b in enumerate(blocks) if b.kind == "short" and EDITORS_NOTE_RE.match(b.core)}
    for i in sorted(notes):
        k = i + 1
        while k < len(blocks) and blocks[k].kind == "short" and not SIGN_OFF_RE.match(blocks[k].core):
            blocks[k] = replace(blocks[k], kind="body")
            k += 1
    # "（2026年4月30日第十四届全国人民代表大会常务委员会第二十二次会议通过）" under a law's or a
    # speech's title is its 副题, not a note closing a text
    # (a bare date "（2026年7月1日）" only with a text under it: a decree may end on its date)
    blocks = [replace(b, kind="short") if b.kind == "body" and i and blocks[i - 1].kind == "short"
              and DOCUMENT_DATE_RE.match(b.core) and (not SIGNED_DATE_RE.match(b.core)
                                                      or (i + 1 < len(blocks) and blocks[i + 1].kind == "body"))
              else b for i, b in enumerate(blocks)]
    decks = {i for i in range(len(blocks)) if _long_deck(blocks, i)}
    blocks = [replace(b, kind="short") if i in decks else b for i, b in enumerate(blocks)]
    # (a note under a story's text first, so the line after it is judged as after text)
    blocks = [replace(b, kind="body") if b.kind == "short" and (closing_note(b.core) or closes_note(b.core)) else b
              for b in blocks]
    blocks = [replace(b, kind="body") if b.kind == "short" and i not in decks and (
        (i and blocks[i - 1].kind == "marker" and blocks[i - 1].from_page is not None)
        or (text_like(b.core) and not over_headline(blocks, i) and not under_headline_over_dateline(blocks, i))
        or (len(b.core) >= 26 and re.search(r"[，,]", b.core) and i and blocks[i - 1].kind == "body"
            and blocks[i - 1].credit is None and not COLUMN_TAG_RE.search(b.core)
            and not (b.core.endswith("——") and i + 1 < len(blocks) and blocks[i + 1].kind == "short")))
        else b for i, b in enumerate(blocks)]
    # (a long line with a clause break amid text is text; at a story's start it is an 引题, and so
    # is one leading into the title under it, "…本报记者实地探访——"; one carrying its column's
    # name is a title: "诸暨刺绣机,绣出万千精致(财经深一度)")
    if page_indents(blocks):  # headlines are not indented; an indented short line opens a paragraph
        blocks = [replace(b, kind="body") if b.kind == "short" and b.indented else b for b in blocks]
    # In the first columns of continued stories, a short line between text and
    # the next headline is the column's last, cut line: jump titles stand over text.
    # (Not one carrying its column's name, "…托底（财经深一度）": that is a jump title
    # over a short first line of its own text.)
    blocks = [replace(b, kind="body") if b.kind == "short" and 0 < i < len(blocks) - 1
              and not COLUMN_TAG_RE.search(b.core)
              and blocks[i - 1].kind == "body" and in_jump_column(blocks, i - 1)
              and blocks[i + 1].kind in ("short", "marker") else b for i, b in enumerate(blocks)]
    # a name line between a headline and the first paragraph is the story's byline
    # (before joints, so it is never read as a cut sentence's first part)
    blocks = [replace(b, kind="credit", core="", credit=c) if (c := byline_under_headline(blocks, i)) is not None else b
              for i, b in enumerate(blocks)]
    topics = Topics([b.core or b.raw for b in blocks])
    pairs, scores = pair_joints(blocks, topics, trace)
    # a short line cut mid-sentence is text, not a headline
    blocks = [replace(b, kind="body") if b.kind == "short" and i in pairs else b for i, b in enumerate(blocks)]
    walker = _Walker(blocks, pairs, scores, topics, trace)
    walker.walk()
    indented = frozenset(b.line for b in blocks if b.indented)
    for s in walker.stories:
        _dateline_first(s)
        _lone_subheading_is_text(s, indented)
    names_as_subheadings(walker.stories, blocks)
    # headline lines the reading order printed away from their text
    headline_over_photo(walker.stories)
    umbrella_parts(walker.stories, blocks)
    rehome_headlines(walker.stories, topics)
    echoes = Echoes([b.core or b.raw for b in blocks])
    split_for_headlines(walker.stories, blocks, echoes)
    subheadings_over_other_text(walker.stories, echoes)
    sort_stacks(walker.stories, echoes)
    part_tagged_titles(walker.stories, echoes)
    names_over_text(walker.stories, blocks)
    caption_under_headline(walker.stories, blocks)
    label_to_picture(walker.stories, blocks)
    # a logical line joined from several printed ones stands for all of them
    joined = {b.line: b.more for b in blocks if b.more}
    for s in walker.stories:
        s.lines.update(n for ln in list(s.lines) for n in joined.get(ln, ()))
    leftovers = [Leftover(n, lines[n - 1].strip(), lo.reason) for lo in walker.leftovers
                 for n in ((lo.line,) + joined[lo.line] if lo.line in joined else (lo.line,))]
    # Where the page indents its paragraphs, a column break after a full stop shows (the next column
    # opens unindented); where not, it looks like a paragraph's end: the review flags weigh that.
    marked = page_indents(blocks)
    stories = []
    for s in walker.stories:
        d = _finish(s)
        if d is None:
            continue
        margin = min(s.margins, default=9.0)
        if trace is not None:
            trace.append(Decision("wrong", confidence.features(d, margin, marked), False, d.lines, ()))
        stories.append(confidence.flag(d, margin, marked))
    return PageDraft(
        stories=tuple(stories), credits=tuple(walker.credits),
        leftovers=tuple(sorted(leftovers + advert_leftovers, key=lambda lo: lo.line)),
        date_hint=_date_hint(lines), folded=folded,
    )


def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def accounted(lines: list[str], draft: PageDraft) -> tuple[Counter[str], Counter[str]]:
    """(missing, extra): printed characters lost, and characters that appear from nowhere.

    Both are empty when every non-blank character of the page is in exactly one
    place: a headline, a paragraph, a credit, a jump marker, an editor credit or
    a leftover.
    """
    have: Counter[str] = Counter()
    for s in draft.stories:
        for part in (s.kicker, s.title, s.subtitle, s.credit):
            have.update(_chars(part or ""))
        for p in s.paragraphs:
            have.update(_chars(p[3:] if p.startswith("## ") else p))
        for m in s.markers:
            have.update(_chars(m))
    for c in draft.credits:
        have.update(_chars(c))
    for lo in draft.leftovers:
        have.update(_chars(lo.text))
    want = _chars(fold_text("\n".join(lines)))  # the draft holds the folded characters, recorded apart
    return want - have, have - want


__all__ = ["accounted", "reconstruct"]
