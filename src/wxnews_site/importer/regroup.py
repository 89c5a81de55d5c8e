"""Headline lines moved to the text they head, after the page walk.

The walk (`layout`) gives each headline to the text printed under it. In a
PDF's reading order that is not always its text: modules set side by side print
their headlines one after another, a photo's caption comes between a headline
and its article. These passes move headline lines by what the texts echo of
them, and split a story where the text a moved headline heads begins.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from .blocks import COLUMN_TAG_RE, Block
from .bylines import Credit, names_only
from .seams import Echoes, Topics, ends_sentence, words
from .story import Story, hand_over, kicker_like, signed


# The label of a picture printed as news of its own ("图片报道"): it heads the picture, never an article.
PHOTO_LABEL_RE = re.compile(r"^(?:图片|摄影|视觉)(?:报道|新闻|故事)$|^图说")


def parts_title_from_subtitle(lines: list[tuple[str, int]], moving: list[tuple[str, int]]) -> bool:
    """Moving these of a story's headline lines would part a title from the 副题 "——…"
    set under it: the two are one module's and move together or not at all."""
    return any((x in moving) != (y in moving) for x, y in zip(lines, lines[1:]) if y[0].startswith("——"))


def headline_over_photo(stories: list[Story]) -> None:
    """A headline, then a photo's caption, then text with no headline of its own:
    the headline is the text's, set over the picture that opens the article (a
    photo of its own under a title is followed by another headed story)."""
    for s, t in zip(stories, stories[1:]):
        if s.photo and s.headlines and not t.headlines and t.body_count and not t.photo and t.from_page is None \
                and not PHOTO_LABEL_RE.match(s.headlines[0][0]):
            t.headlines, s.headlines = s.headlines, []
            for _, ln in t.headlines:
                s.lines.discard(ln)
                t.lines.add(ln)
            t.review = [r for r in t.review if not r.startswith("no headline found")]
            t.review.append(f"headline at line {t.headlines[0][1]} was printed over a photo: read as the text's under it")


def _leads_in(d: Story, line: tuple[str, int]) -> bool:
    """The line stands where an 引题 stands: it leads into a title ("…走向“生产线”——"),
    or it is set over a title carrying its column's name, which a kicker never carries."""
    k = d.headlines.index(line)
    return kicker_like(line[0]) or (k + 1 < len(d.headlines) and bool(COLUMN_TAG_RE.search(d.headlines[k + 1][0]))
                                    and not COLUMN_TAG_RE.search(line[0]))


def rehome_headlines(stories: list[Story], topics: Topics) -> None:
    """Headline lines printed apart from their text go to the story they name.

    A PDF's reading order may put one module's 副题, title or 引题 next to another
    module's headline ("推动交流合作 夯实互信共识" / "为解决人类重大问题贡献…" /
    "——中国共产党成立105周年的世界影响"), while the text they head comes later.
    The run of lines at either end of a story's headline that shares far more
    words with another story than with its own moves there: to a story with no
    headline, or, when the run is one 引题 ("…走向“生产线”——"), in front of the
    title of a story that has none."""
    donors = [s for s in stories if len(s.headlines) >= 2]
    targets = [s for s in stories if s.body_count and not s.photo and s.from_page is None
               and (not s.headlines or not kicker_like(s.headlines[0][0]))]
    if not targets or not donors:
        return

    def text_words(s: Story, heads: bool) -> frozenset[str]:
        title = "".join(h for h, _ in s.headlines) if heads else ""
        return words(title + "".join(p for p, _ in s.paras if not p.startswith("## "))[:400])

    # (a donor by its text alone: its headline holds the very lines in question)
    seen = {id(s): text_words(s, heads=False) for s in donors}
    seen.update({id(s): text_words(s, heads=True) for s in targets if id(s) not in seen})
    line_words = {ln: words(h) for d in donors for h, ln in d.headlines}
    for t in targets:
        best: tuple[float, Story, list[tuple[str, int]]] | None = None
        for d in donors:
            if d is t:
                continue
            n = len(d.headlines)
            # (an 引题 "…实现就业——" stacked inside another module's headline is one run too)
            inner = [d.headlines[k:k + 1] for k in range(1, n - 1) if kicker_like(d.headlines[k][0])]
            for run in [d.headlines[k:] for k in range(1, n)] + [d.headlines[:k] for k in range(1, n)] + inner:
                subtitled = all(h.startswith("——") for h, _ in t.headlines)
                if t.headlines and not (len(run) == 1 and (_leads_in(d, run[0]) or (
                        subtitled and not run[0][0].startswith("——")))):
                    continue  # a titled story takes only an 引题 it lacks; one under a 副题 alone, its title
                if parts_title_from_subtitle(d.headlines, run):
                    continue
                if not t.headlines and any((x in run) != (y in run) for x, y in zip(d.headlines, d.headlines[1:])
                                           if x[0].endswith("——")):
                    continue  # an 引题 "…交流——" and the title under it go to a text with no headline together
                w = frozenset().union(*(line_words[ln] for _, ln in run))
                there = topics.similarity(w, seen[id(t)])
                gain = there - topics.similarity(w, seen[id(d)])
                if there >= 0.1 and gain >= 0.08 and (best is None or gain > best[0]):
                    best = (gain, d, run)
        if best is None:
            continue
        _, d, run = best
        d.headlines = [h for h in d.headlines if h not in run]
        t.headlines = list(run) + t.headlines
        for _, ln in run:
            d.lines.discard(ln)
            t.lines.add(ln)
        t.review = [r for r in t.review if not r.startswith("no headline found")]
        t.review.append(f"headline at line {run[0][1]} was printed apart from its text: matched to this story by its words")
        if len(d.headlines) < 2:
            donors.remove(d)


UMBRELLA_INTRO = 6  # paragraphs an umbrella piece's introduction runs to, at most


def umbrella_parts(stories: list[Story], blocks: list[Block]) -> None:
    """A series' umbrella piece ("…（海外名家话中国）"): its title, a few unsigned lines
    that introduce it, then parts, each under an 引题 ("提升治理效能——"), a title and
    its author. The parts are one article, as the paper's own record keeps them:
    their headlines become its subheadings and each part's signature stays in its
    text, where it was printed; a picture's credit read among them stays the
    picture's (`caption_under_headline`). (Stories set one under another under a
    kicker of their own have no unsigned text over them: an umbrella kicker set over
    separate stories heads no text.)"""
    by_line = {b.line: b for b in blocks}
    k = 0
    while k < len(stories):
        u = stories[k]
        k += 1
        intro = next((n for n, (p, _) in enumerate(u.paras) if p.startswith("## ")), len(u.paras))
        if not (heads_parts(u) and 1 <= intro <= UMBRELLA_INTRO):
            continue
        while k < len(stories) and _a_part(stories[k]):
            p = stories.pop(k)
            u.paras.extend((f"## {h}", [ln]) for h, ln in p.headlines)
            for c in p.credits:
                line = _printed_line(p, c, by_line)
                if c.bylines and line is not None:
                    u.paras.append((f"## {c.text}", [line]))  # (as printed: its line, over the part's text)
                else:
                    u.credits.append(c)
            u.paras.extend(p.paras)
            u.lines |= p.lines
            u.blocks += p.blocks
            u.review += p.review
            u.markers += p.markers  # ("（下转第11版）" ends the part that goes on elsewhere)
            u.margins += p.margins
            u.to_page = p.to_page if p.to_page is not None else u.to_page
            u.feature = True


def heads_parts(s: Story) -> bool:
    """The story may be an umbrella piece over parts: its title carries its column's name,
    no reporter signs it and no dateline opens it (a picture's credit may be among it)."""
    return (any(COLUMN_TAG_RE.search(h) for h, _ in s.headlines) and not s.photo and s.lead is None
            and s.from_page is None and not any(c.bylines for c in s.credits))


def _a_part(p: Story) -> bool:
    """A part of an umbrella piece: under an 引题 of its own and no column's name, signed by
    its author alone (one signature line, besides a picture's credit), with no dateline."""
    return (bool(p.headlines) and kicker_like(p.headlines[0][0]) and not p.photo and p.lead is None
            and p.from_page is None and sum(1 for c in p.credits if c.bylines) <= 1
            and all(c.bylines or c.photographers for c in p.credits)
            and not any(COLUMN_TAG_RE.search(h) for h, _ in p.headlines))


# How well a line must be echoed: below OWN_MAX by its own story's text, at
# least THERE_MIN by the other text, and by GAIN_MIN more there than anywhere
# before it (shares of the line's weighted character pairs, fitted by hand on
# the fit seeds of benchmarks/import_quality.py).
SPLIT_OWN_MAX = 0.3
SPLIT_THERE_MIN = 0.4
SPLIT_GAIN_MIN = 0.35


def split_for_headlines(stories: list[Story], blocks: list[Block], echoes: Echoes) -> None:
    """A headline line printed in another module's headline opens its own story.

    Where modules stand side by side, a PDF's reading order prints their
    headlines one after another ("便民服务要摸准需求(一线行走)" / "江西出台…办法"),
    so both head the first text under them, and the text of the other module,
    with no headline of its own left over it, runs on in whichever story came
    before. A headline line that its story's text hardly echoes, while the text
    from some finished paragraph on in another story (or a story printed with
    no headline) echoes it well, is that text's headline: the story is split
    there, and the line moves."""
    moves: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for d in stories:
        if len(d.headlines) < 2 or d.photo or d.from_page is not None:
            continue
        own_text = _text_from(d.paras, 0, 160)  # a headline speaks of its lead
        for at, (h, ln) in enumerate(d.headlines):
            own = echoes.share(h, own_text)
            if own >= SPLIT_OWN_MAX or (at and kicker_like(d.headlines[at - 1][0])):
                continue  # (a title stays under its 引题 "…走进浙江——")
            found = _text_echoing(h, own, d, stories, blocks, echoes)
            if found is None:
                continue
            # lines of one module go to one place: the earliest text they fit
            for (si, k), lines in list(moves.items()):
                if si == found[0] and k != found[1] and any(x in d.headlines for x in lines):
                    del moves[(si, k)]
                    found = (si, min(k, found[1]))
                    moves.setdefault(found, []).extend(lines)
            mates = [(h, ln)]
            if at + 1 < len(d.headlines) and (d.headlines[at + 1][0].startswith("——") or kicker_like(h)):
                mates.append(d.headlines[at + 1])  # its 副题 "——…", or the title under this 引题
            moves.setdefault(found, []).extend(mates)
    taken: set[tuple[str, int]] = set()
    for (si, k), lines in sorted(moves.items(), reverse=True):
        lines = [x for x in dict.fromkeys(lines) if x not in taken]  # each line once, to one place
        taken.update(lines)
        _move_headline(stories, blocks, stories[si], k, lines)


def subheadings_over_other_text(stories: list[Story], echoes: Echoes) -> None:
    """Lines read as a story's subheadings before any of its text go to a story
    printed with no headline whose text speaks of them, and not its own.

    A PDF's reading order may put a neighbouring module's headline between a
    story's byline and its text ("辽宁盘锦修复湿地生态，发展海洋产业" / "渔业资源
    恢复，斑海豹来“安家”" over a story on new jobs), while the text they head
    comes later under no headline of its own."""
    for t in stories:
        if t.headlines or not t.body_count or t.photo or t.briefs or t.from_page is not None:
            continue
        text = _text_from(t.paras, 0)
        best: tuple[float, Story, list[tuple[str, int]]] | None = None
        for d in stories:
            lead = _stack_lines(d)[len(d.headlines):]
            if d is t or d.photo or not lead or not d.body_count:
                continue
            own_text = _text_from(d.paras, 0)
            # (a column's name speaks of no text)
            shares = [(echoes.share(w, text), echoes.share(w, own_text)) for h, _ in lead
                      for w in (COLUMN_TAG_RE.sub("", h) or h,)]
            there, gain = max((x, x - own) for x, own in shares)
            if there >= SPLIT_THERE_MIN and gain >= SPLIT_GAIN_MIN and (best is None or gain > best[0]):
                best = (gain, d, lead)
        if best is None:
            continue
        _, d, lead = best
        moved = {ln for _, ln in lead}
        d.paras = [x for x in d.paras if not (x[0].startswith("## ") and x[1][:1] and x[1][0] in moved)]
        d.lines.difference_update(moved)
        t.headlines = list(lead)
        t.lines.update(moved)
        t.review = [r for r in t.review if not r.startswith("no headline found")]
        t.review.append(f"headline at line {lead[0][1]} was printed over another story's text: "
                        "matched to this text by its words")


def _text_from(paras: list[tuple[str, list[int]]], start: int, limit: int = 600) -> str:
    """The story's text from paragraph `start` on, subheadings left out, cut at `limit`."""
    return "".join(p for p, _ in paras[start:] if not p.startswith("## "))[:limit]


def _text_echoing(h: str, own: float, d: Story, stories: list[Story], blocks: list[Block],
                  echoes: Echoes) -> tuple[int, int] | None:
    """(story, paragraph) where the text that headline line h heads begins, if anywhere."""
    best: tuple[float, int, int] | None = None
    stacked = d.headlines[0][0] != h  # a title read under another's, heading a text further on in d
    for si, z in enumerate(stories):
        if z.photo or z.briefs or (z.feature and z is not d):
            continue
        body = [k for k, (p, _) in enumerate(z.paras) if not p.startswith("## ")]
        for k in body:
            if k == body[0]:
                if z.headlines:  # (so is the donor's own first text)
                    continue  # a headed story's first text is its own headline's
                back = 0.0
            else:
                last = next(p for p, _ in reversed(z.paras[:k]) if not p.startswith("## "))
                if not ends_sentence(last) or (z is not d and _own_text_goes_on(z, k, echoes)):
                    continue
                back = echoes.share(h, _text_from(z.paras[:k], 0, 1200))
            # (within its own story the text it heads may be all that follows: its words
            # may come late, as a title's "筑牢森林防火屏障" does under a news lead)
            there = echoes.share(h, _text_from(z.paras, k, 2400 if z is d and stacked else 600))
            if z is d:
                # the split falls where the lines d keeps stop speaking of its text
                ends = _others_end_at(d, h, k, blocks, echoes)
                if ends is None:
                    continue
                gain = there - back + ends
            else:
                gain = there - max(own, back)
            if there >= SPLIT_THERE_MIN and gain >= SPLIT_GAIN_MIN and (best is None or gain > best[0]):
                best = (gain, si, k)
                if z is d and stacked:
                    break  # its own text parts where its other lines stop speaking of it, not further on
    return None if best is None else (best[1], best[2])


def _others_end_at(d: Story, h: str, k: int, blocks: list[Block], echoes: Echoes) -> float | None:
    """Story d's other headline lines speak of its text before paragraph k and not
    of the text from k on: d's text ends there, and h may head what follows. (A
    title echoed only further down its own text, under a kicker that speaks of
    both, is still its own.) How much more they speak of the text before, or None."""
    if d.headlines[0][0] == h:
        if not COLUMN_TAG_RE.search(h):
            return None  # (an 引题 speaks of the whole text; a commentary's title names its column)
    elif d.headlines[-1][0] != h or h.startswith("——") or not _printed_apart(d, k, blocks) or (
            COLUMN_TAG_RE.search(h) and not any(COLUMN_TAG_RE.search(x) for x, _ in d.headlines[:-1])):
        # Two modules' titles stacked ("可可西里…迁徙开始" / "贵州强化事前预防…") head the
        # first text, and the second text runs on after another module's lines (an
        # editor's line, a column of another story); a title and its 副题 over one
        # text, the 副题 speaking of its later part, have nothing printed between.
        return None
    kept = [x for x, _ in d.headlines if x != h]
    head = max(echoes.share(x, _text_from(d.paras[:k], 0, 1200)) for x in kept)
    tail = max(echoes.share(x, _text_from(d.paras, k)) for x in kept)
    return head - tail if head >= SPLIT_THERE_MIN and tail < SPLIT_OWN_MAX else None


def _printed_apart(d: Story, k: int, blocks: list[Block]) -> bool:
    """Something other than story d's text was printed between its paragraphs k-1
    and k: another module's line, or a credit or note that ends a text."""
    before, after = max(d.paras[k - 1][1]), min(d.paras[k][1])
    text = {ln for _, lns in d.paras for ln in lns}
    return any(before < b.line < after and b.line not in text for b in blocks)


def _own_text_goes_on(z: Story, k: int, echoes: Echoes) -> bool:
    """The headed story's own headline answers to its text from paragraph k on
    better than to the text before: a column of another story came first."""
    if not z.headlines:
        return False
    tail = max(echoes.share(x, _text_from(z.paras, k)) for x, _ in z.headlines)
    head = max(echoes.share(x, _text_from(z.paras[:k], 0, 1200)) for x, _ in z.headlines)
    return tail > head


def _move_headline(stories: list[Story], blocks: list[Block], z: Story, k: int, lines: list[tuple[str, int]]) -> None:
    """Headline lines go to story z's text from paragraph k on, split off as a story of its own."""
    donors = [s for s in stories if any(x in s.headlines for x in lines)]
    if not donors:
        return
    if any(all(x in lines for x in s.headlines) for s in donors):
        return  # every story keeps a headline line of its own
    if any(parts_title_from_subtitle(s.headlines, lines) for s in donors):
        return
    for s in donors:
        s.headlines = [x for x in s.headlines if x not in lines]
        s.lines.difference_update(ln for _, ln in lines)
    first = next(j for j, (p, _) in enumerate(z.paras) if not p.startswith("## "))
    target = z if k == first and not z.headlines else _split_story(stories, blocks, z, k)
    target.headlines = sorted(lines, key=lambda x: x[1]) + target.headlines
    target.lines.update(ln for _, ln in lines)
    target.review = [r for r in target.review if not r.startswith("no headline found")]
    target.review.append(f"headline at line {lines[0][1]} was printed in another story's headline: "
                         "matched to this text by its words")


def _split_story(stories: list[Story], blocks: list[Block], z: Story, k: int) -> Story:
    """Story z's paragraphs from k on, with the credits printed among them, as a new story after z."""
    target = Story(paras=z.paras[k:])
    del z.paras[k:]
    moved = {ln for _, lns in target.paras for ln in lns}
    printed_at = {id(b.credit): b.line for b in blocks if b.credit is not None}
    start = min(moved)
    target.credits = [c for c in z.credits if printed_at.get(id(c), -1) >= start]
    z.credits = [c for c in z.credits if printed_at.get(id(c), -1) < start]
    hand_over(z, target, moved | {printed_at[id(c)] for c in target.credits if id(c) in printed_at}, blocks)
    stories.insert(stories.index(z) + 1, target)
    return target


# A line moves to another story of its stack when that story's text echoes it by
# STACK_GAIN more than its own does, and at least STACK_THERE; to the story printed
# next to its own, with stacks apart, only on the clearer evidence of NEAR_*.
STACK_GAIN = 0.2
STACK_THERE = 0.3
NEAR_GAIN = 0.4
NEAR_THERE = 0.75


def sort_stacks(stories: list[Story], echoes: Echoes) -> None:
    """Headline lines of side-by-side modules, read row by row, go to the text each speaks of.

    Two modules set next to each other print their 引题, titles and 副题 at the
    same heights, and a PDF's reading order interleaves them ("种群数量…超五十倍" /
    "山西昔阳…串点成线——" / "湟鱼见证青海湖生态之变" / "发掘梳理…夏商文明脉络").
    The walk hands the run to whichever text comes first, or reads its last line as
    a subheading. Within such a stack each line goes to the story whose text echoes
    it clearly best; every story keeps at least one line. A neighbouring module's
    引题 read just before a story's own title moves on clearer evidence."""
    heads = [z for z in stories if not z.photo and z.from_page is None and z.body_count and _stack_lines(z)]
    texts = {id(z): _text_from(z.paras, 0, 3000) for z in heads}
    stack_of = {id(z): g for g in _stacks(heads) for z in g}
    for i, z in enumerate(heads):
        mates = [(o, STACK_GAIN, STACK_THERE) for o in stack_of.get(id(z), []) if o is not z]
        mates += [(o, NEAR_GAIN, NEAR_THERE) for o in heads[max(0, i - 1):i + 2]
                  if o is not z and all(o is not m for m, _, _ in mates)]
        stack = _stack_lines(z)
        for h, ln in stack:
            if parts_title_from_subtitle(stack, [(h, ln)]):
                continue
            words_of = COLUMN_TAG_RE.sub("", h) or h  # (a column's name speaks of no text)
            own = echoes.share(words_of, texts[id(z)])
            for o, gain, least in mates:
                there = echoes.share(words_of, texts[id(o)])
                if there >= least and there - own >= gain and len(_stack_lines(z)) >= 2:
                    _take_line(z, o, h, ln, f"headline at line {ln} was printed beside another module's headline: "
                                            "matched to this text by its words")
                    break


def part_tagged_titles(stories: list[Story], echoes: Echoes) -> None:
    """A story has one title with its column's name: a second one under it
    ("艺术的生命在于和观众相遇(人文茶座)" / "麻布亦能绣出彩(传承)") is another
    module's, read into this one's headline; it goes to the text with no headline
    that speaks of it most."""
    headless = [z for z in stories if not z.headlines and z.body_count and not z.photo and z.from_page is None]
    for d in stories:
        tagged = [(h, ln) for h, ln in d.headlines if COLUMN_TAG_RE.search(h) and "——" not in h]
        for h, ln in tagged[1:]:
            if not headless:
                return
            scored = [(echoes.share(h, _text_from(z.paras, 0)), -stories.index(z), z) for z in headless]
            there, _, z = max(scored, key=lambda x: x[:2])
            if there <= 0:
                continue
            d.headlines = [x for x in d.headlines if x[1] != ln]
            d.lines.discard(ln)
            z.headlines = [(h, ln)]
            z.lines.add(ln)
            z.review = [r for r in z.review if not r.startswith("no headline found")]
            z.review.append(f"headline at line {ln} was printed under another title with its column's name: "
                            "matched to this text by its words")
            headless.remove(z)


ROSTER_MIN = 3  # names in a row, each over a paragraph or two, before a list is read as one


def names_as_subheadings(stories: list[Story], blocks: list[Block]) -> None:
    """A list of people ("…获奖学生代表名录": "罗珑赞" / her profile / "陈秀虎" / his
    profile …) prints each name alone over its paragraph. Read as end credits,
    the names would sign the paragraph above them and leave every profile a story
    with no headline; a run of such stories under one headed story is its list:
    each name becomes the subheading over the paragraphs printed under it."""
    by_line = {b.line: b for b in blocks}
    k = 0
    while k < len(stories):
        head = stories[k]
        run = []
        for z in stories[k + 1:]:
            if z.headlines or z.photo or z.lead is not None or not 1 <= z.body_count <= 2 \
                    or any(p.startswith("## ") for p, _ in z.paras) or len(z.credits) > 1:
                break
            run.append(z)
        members = [head] + run
        names = [(c, _printed_line(z, c, by_line)) for z in members for c in z.credits]
        if not head.headlines or len(names) < ROSTER_MIN or not all(
                len(c.bylines) == 1 and not c.photographers and c.text.replace(" ", "") == c.bylines[0]
                and ln is not None for c, ln in names):
            k += 1
            continue
        for z in members:
            z.credits = []
        listed = [(f"## {by_line[ln].raw.strip()}", [ln]) for _, ln in names]  # as printed: "李  明"
        for z in run:
            listed += z.paras
            head.lines |= z.lines
            head.blocks.extend(z.blocks)
            stories.remove(z)
        head.paras += sorted(listed, key=lambda p: p[1][0])  # (the head's own text keeps its order)
        head.review = [r for r in head.review if "no headline found" not in r]
        head.review.append(f"names at lines {names[0][1]}–{names[-1][1]} "
                           "read as a list's subheadings, each over the paragraph printed under it")
        k += 1


def names_over_text(stories: list[Story], blocks: list[Block]) -> None:
    """Names printed right over a text whose headline was read elsewhere sign that text.

    In print the names stand under the module's headline, over its text; where the
    reading order put the headline apart (beside another module's), the walk read
    the names after the text before them as its end credit ("…任命张祥焱为…" /
    "李林蔚 何昭宇" / "理想信念是立党兴党之基…"). Once the text has its headline back,
    the names go with it: bare names only, the last credit of the story above, and
    only to a text that has no names of its own. So do names read as a second
    signature of a story signed already, over a text whose headline is lost."""
    by_line = {b.line: b for b in blocks}
    lines = sorted(by_line)
    for t in stories:
        first = min((ln for p, lns in t.paras if not p.startswith("## ") for ln in lns), default=None)
        if first is None or t.photo or signed(t):
            continue
        above = _line_before(lines, first)
        if above is None or any(ln == above or ln == _line_before(lines, above) for _, ln in t.headlines):
            continue  # under its own headline the walk has given it its names already
        for s in stories:
            if s is t or above not in s.lines or not s.credits:
                continue
            c = s.credits[-1]
            # (a text with no headline at all takes them only from a story signed already:
            # a story is not signed twice, at its top and again at its end)
            if c.bylines and not c.photographers and names_only(c) and (t.headlines or signed(s, s.credits[:-1])) \
                    and _printed_line(s, c, by_line) == above:
                s.credits.pop()
                s.lines.discard(above)
                t.credits.insert(0, c)
                t.lines.add(above)
            break


# A caption says where people stand in the picture, or shows it: "肖晨（右）…", "图为…"
CAPTION_MARK_RE = re.compile(r"[（(](?:左|右|中|前|后)[^()（）]{0,8}[)）]|^图为")
CAPTION_MAX = 80


def caption_under_headline(stories: list[Story], blocks: list[Block]) -> None:
    """A picture set under a module's headline, its caption read first and its
    credit ("高启坤 摄") alone further down, inside the text: the two are a photo of
    their own, not the story's first paragraph and its photographer.

    The caption is the story's first paragraph, one sentence that places people
    in the picture ("肖晨（右）参与社区志愿服务，…。"); the credit names only
    photographers and stands alone between paragraphs of the text."""
    by_line = {b.line: b for b in blocks}
    for k in range(len(stories) - 1, -1, -1):
        s = stories[k]
        body = [j for j, (p, _) in enumerate(s.paras) if not p.startswith("## ")]
        if s.photo or s.briefs or len(body) < 2 or not s.headlines:
            continue
        first = min(body, key=lambda j: s.paras[j][1][0])  # (as printed: a dateline may have moved before it)
        caption, caption_lines = s.paras[first]
        if len(caption) > CAPTION_MAX or not caption.endswith("。") or caption[:-1].count("。"):
            continue
        if len(body) < 3 and not CAPTION_MARK_RE.search(caption):
            continue  # (a text of two paragraphs may open on a short one: only a caption's mark tells)
        text_lines = sorted(ln for j in body if j != first for ln in s.paras[j][1])
        found = next(((c, ln) for c in s.credits if c.photographers and not c.bylines
                      and (ln := _printed_line(s, c, by_line)) is not None
                      and text_lines[0] < ln < text_lines[-1]), None)
        if found is None:
            continue
        credit, line = found
        del s.paras[first]
        s.credits.remove(credit)
        photo = Story(paras=[(caption, caption_lines)], credits=[credit], photo=True, closed=True)
        hand_over(s, photo, set(caption_lines) | {line}, blocks)
        photo.review.append(f"caption at line {caption_lines[0]} and credit at line {line} printed apart: "
                            "read as a picture of their own")
        stories.insert(k, photo)


# A picture printed as news of its own carries a caption that reports: a dated
# lead or "图为…" ("5月14日，…组织开展志愿服务活动…"), not a line naming who is shown.
NEWS_CAPTION_MIN = 50


def label_to_picture(stories: list[Story], blocks: list[Block]) -> None:
    """"图片报道" read over some text, or as a subheading inside it, heads the
    picture printed as news of its own.

    The label is set over the picture's box, and a PDF's reading order may put it
    among the columns of the text beside the box: the walk reads it as that text's
    title or subheading. A picture with no headline whose caption reports news
    takes it: the one printed after the label, nearest, else the nearest before."""
    pictures = [z for z in stories if z.photo and not z.headlines and _reports(z)]
    for s in list(stories):
        if s.photo or not pictures:
            continue
        found = [(h, ln) for h, ln in s.headlines if PHOTO_LABEL_RE.match(h)] + [
            (p[3:], lns[0]) for p, lns in s.paras if p.startswith("## ") and PHOTO_LABEL_RE.match(p[3:])]
        for h, ln in found:
            if not pictures:
                break
            first = {id(z): min(ln2 for _, lns in z.paras for ln2 in lns) for z in pictures}
            z = min(pictures, key=lambda z: (first[id(z)] < ln, abs(first[id(z)] - ln)))
            lead = _caption_lead(s, z, ln)
            _take_line(s, z, h, ln, f"label at line {ln} was printed apart from its picture: read as this picture's")
            if lead is not None:
                s.paras.remove(lead)
                z.paras.insert(0, lead)
                hand_over(s, z, set(lead[1]), blocks)
            pictures.remove(z)


def _caption_lead(s: Story, z: Story, ln: int) -> tuple[str, list[int]] | None:
    """The paragraph printed under the label, when it is the first part of the
    picture's caption: the picture's own text goes on "图为5月25日，…"."""
    body = [x for x in s.paras if not x[0].startswith("## ")]
    first = next((p for p, _ in z.paras if not p.startswith("## ")), "")
    if [x for _, x in s.headlines] != [ln] or not body or not first.startswith("图为"):
        return None
    lead = min(body, key=lambda x: x[1][0])
    return lead if lead[1][0] > ln and not lead[0].startswith("图为") else None


def _reports(z: Story) -> bool:
    text = "".join(p for p, _ in z.paras if not p.startswith("## "))
    return len(text) >= NEWS_CAPTION_MIN or "图为" in text


def _line_before(lines: list[int], ln: int) -> int | None:
    k = bisect_left(lines, ln)
    return lines[k - 1] if k else None


def _printed_line(z: Story, c: Credit, by_line: dict[int, Block]) -> int | None:
    """The line of story z on which credit c stands alone."""
    text = {ln for _, lns in z.paras for ln in lns}
    return next((ln for ln in sorted(z.lines - text) if ln in by_line and c.text in (by_line[ln].core, by_line[ln].raw)),
                None)


def _stack_lines(z: Story) -> list[tuple[str, int]]:
    """A story's headline lines and the subheadings printed before any of its text."""
    lead = []
    for p, lns in z.paras:
        if not p.startswith("## "):
            break
        lead.append((p[3:], lns[0]))
    return list(z.headlines) + lead


def _stacks(stories: list[Story]) -> list[list[Story]]:
    """Stories whose stack lines interleave in the reading order."""
    spans = sorted(((min(ln for _, ln in st), max(ln for _, ln in st), z)
                    for z in stories for st in (_stack_lines(z),)), key=lambda x: x[0])
    groups: list[tuple[list[int], list[Story]]] = []
    for a, b, z in spans:
        if groups and a < groups[-1][0][1]:
            groups[-1][0][1] = max(groups[-1][0][1], b)
            groups[-1][1].append(z)
        else:
            groups.append(([a, b], [z]))
    return [g for _, g in groups if len(g) > 1]


def _take_line(z: Story, to: Story, h: str, ln: int, review: str) -> None:
    """Line ln, a headline or a subheading of story z, heads story `to`, whose review says why."""
    z.headlines = [x for x in z.headlines if x[1] != ln]
    z.paras = [x for x in z.paras if not (x[0] == f"## {h}" and x[1][:1] == [ln])]
    z.lines.discard(ln)
    to.headlines = sorted(to.headlines + [(h, ln)], key=lambda x: x[1])
    to.lines.add(ln)
    to.review = [r for r in to.review if not r.startswith("no headline found")]
    to.review.append(review)


__all__ = ["caption_under_headline", "headline_over_photo", "label_to_picture", "names_as_subheadings", "names_over_text",
           "part_tagged_titles", "rehome_headlines", "sort_stacks", "split_for_headlines", "subheadings_over_other_text"]
