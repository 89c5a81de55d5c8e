"""A newspaper page simulator: lay structured articles out as e-paper raw text.

It reproduces what extraction does to a printed page: paragraphs cut by column
breaks mid-word, a lead paragraph extracted inside a cut paragraph, continued
stories ("上接第1版") whose first columns come before their jump headlines,
bylines in every common style, photo captions, editor credit lines. Along with
the raw text it emits the gold answer in the format of
`tests/fixtures/pages/*.gold.yaml`, so `tests/tools/score_import.py` grades a
reconstruction of a simulated page exactly as it grades the real one.

Articles are dicts: kicker, title, subtitle (str | None), names (list of
people), paragraphs (list of str; "## text" for a subheading), photo (bool,
a captioned picture), continued_from_page / continued_to_page (int | None).
The simulator chooses how credits are printed; the gold keeps the names.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
import tempfile
from pathlib import Path
from typing import Any

from wxnews_site.importer.printed import cells

FINAL = set("。！？!?…；;：:”’」』）)")
NO_LINE_START = set("，。、；：？！,.;:?!”’」』）)》…")
NO_CUT_NEAR = set("，。、；：？！,.;:?!“”‘’「」（）()《》—…·%％ ")
TOOLS = Path(__file__).resolve().parent / "tools" / "score_import.py"


def _pad(name: str) -> str:
    """Two-character names are printed padded to three: "刘泉" -> "刘  泉"."""
    return f"{name[0]}  {name[1]}" if len(name) == 2 else name


def _cut_point(text: str, rng: random.Random) -> int | None:
    """A column break inside a sentence, never next to punctuation."""
    if len(text) < 24:
        return None
    spots = [i for i in range(8, len(text) - 8)
             if text[i - 1] not in NO_CUT_NEAR and text[i] not in NO_CUT_NEAR and not text[i - 1].isspace()]
    return rng.choice(spots) if spots else None


class _Page:
    def __init__(self, rng: random.Random, blank_lines: bool, indent: str, column: int = 0):
        self.rng = rng
        self.blank_lines = blank_lines
        self.indent = indent  # some extractions keep the paragraph indent "　　"
        # Some extractions give each printed column line as a raw line: text is
        # then cut every `column` characters (0: one raw line per paragraph).
        self.column = column
        self.lines: list[str] = []
        self.joints: list[dict[str, Any]] = []

    def emit(self, text: str, *, starts_paragraph: bool = False, body: bool = False) -> int:
        if self.lines and self.blank_lines:
            self.lines.append("")
        text = (self.indent if starts_paragraph else "") + text
        if self.column and body:  # (a blank line, if any, only between paragraphs)
            self.lines.extend(self.wrap(text))
        else:
            self.lines.append(text)
        return len(self.lines)

    def wrap(self, text: str) -> list[str]:
        """Printed column lines: `column` Chinese characters wide, where a Latin
        letter or digit takes half a character's room."""
        out, line, room = [], "", 2 * self.column
        for ch in text:
            w = cells(ch)
            # typesetters never start a line with "，" or "。": it hangs past the column's edge
            if line and room < w and ch not in NO_LINE_START:
                out.append(line)
                line, room = "", 2 * self.column
            line += ch
            room -= w
        return out + ([line] if line else [])

    def snap(self, text: str, cut: int, *, starts_paragraph: bool = True) -> int:
        """A column break falls between printed lines: move the cut to a line's end."""
        if not self.column:
            return cut
        lead = len(self.indent) if starts_paragraph else 0
        ends, total = [], 0
        for line in self.wrap((self.indent if starts_paragraph else "") + text)[:-1]:
            total += len(line)
            ends.append(total - lead)
        ends = [e for e in ends if 0 < e < len(text)]
        return min(ends, key=lambda e: abs(e - cut)) if ends else cut


ADVERT_NAMES = ["阳光家居博览会", "金秋惠民车展", "老字号月饼礼盒", "湖畔花园二期", "暑期游泳培训班"]
ADVERT_SLOGANS = ["品质生活  从家开始", "全城热卖  限时优惠", "名额有限  欢迎垂询", "实惠看得见"]


def _advert(rng: random.Random) -> list[str]:
    """An advertisement's lines: written for the simulator, no paper's text."""
    lines = ["广告"] if rng.random() < 0.3 else []
    lines += [rng.choice(ADVERT_NAMES)] + ([rng.choice(ADVERT_SLOGANS)] if rng.random() < 0.7 else [])
    road = rng.choice(["湖滨路", "人民路", "解放路", "运河东路"])
    extra = [f"地址：{rng.choice(['滨湖区', '梁溪区', '新吴区'])}{road}{rng.randrange(1, 300)}号"] if rng.random() < 0.7 else []
    phone = rng.choice([f"咨询热线：0510-8{rng.randrange(10**6, 10**7)}", f"订购电话：139{rng.randrange(10**7, 10**8)}"])
    return lines + extra + [phone]


def _marker(direction: str, page: int, letters: bool) -> str:
    """A jump marker as the paper prints it: "(下转第2版)", or "（下转A2版）" with section letters."""
    verb = "上接" if direction == "from" else "下转"
    return f"（{verb}A{page}版）" if letters else f"({verb}第{page}版)"


def _credit_style(a: dict, rng: random.Random, house: str) -> str:
    if a.get("photo"):
        return rng.choice(["photo-paren", "photo-line"])
    if not a.get("names"):
        return "none"
    if a.get("dateline_printed"):  # the text already names its reporters in a dateline
        return rng.choice(["paren-end", "paren-line", "under-headline", "as-printed"])
    if rng.random() < 0.7:
        return house  # a paper prints most credits on a page the same way
    return rng.choice(["paren-end", "paren-line", "under-headline", "dateline-names", "dateline-paren", "none-dateline"])


def _byline_line(names: list[str], rng: random.Random) -> str:
    role = rng.choice(["本报记者", "本报记者", "新华社记者", "本报通讯员", "本报特约记者"])
    return role + "  " + "  ".join(_pad(n) for n in names)


def layout(articles: list[dict], seed: int = 0, *, paper_page: int = 2, broad: bool = False,
           style: str | None = None) -> tuple[str, dict]:
    """Lay the articles out as one page: (raw text, gold document).

    broad=True prints every shape of issue 12 in a house style (tests/pagebroad.py;
    `style` names one of pagestyles.STYLES, None: the seed picks); the default
    keeps the original simulator, page for page."""
    if broad:
        import pagebroad  # (it builds on this module)

        return pagebroad.layout(articles, seed, style)
    rng = random.Random(seed)
    # The layout variants draw from their own stream, so a page without them is
    # laid out exactly as before they existed (figures stay comparable).
    variant = random.Random(f"layout-{seed}")
    page = _Page(rng, blank_lines=rng.random() < 0.8, indent="\u3000\u3000" if rng.random() < 0.25 else "")
    if variant.random() < 0.2:  # one raw line per printed line: no blank lines, indents often kept
        page = _Page(rng, blank_lines=variant.random() < 0.3, indent="\u3000\u3000" if variant.random() < 0.6 else "",
                     column=variant.randrange(11, 17))
    letters = variant.random() < 0.3  # pages of a sectioned paper: "A1", "A3"
    adverts = variant.random() < 0.25
    advert_lines: list[str] = []
    house = rng.choice(["paren-end", "paren-line", "under-headline", "dateline-names", "dateline-paren", "none-dateline"])
    gold_articles: list[dict] = []
    order_checks: list[list[str]] = []
    continuations = [a for a in articles if a.get("continued_from_page")]
    others = [a for a in articles if not a.get("continued_from_page")]

    def gold_for(a: dict, gid: str, paragraphs: list[str], bylines: list[str], photographers: list[str],
                 dateline: str | None) -> dict:
        g = {
            "id": gid, "kind": "photo" if a.get("photo") else ("continuation" if a.get("continued_from_page") else "article"),
            "kicker": a.get("kicker"), "title": a.get("title"), "subtitle": a.get("subtitle"),
            "continued_from_page": a.get("continued_from_page"), "bylines": bylines,
            "photographers": photographers, "dateline": dateline, "paragraphs": paragraphs,
        }
        gold_articles.append(g)
        return g

    def cut_paragraph(gid: str, text: str, cut: int, between: list[str] | None = None) -> None:
        """Print text cut in two, with other lines between the halves."""
        cut = page.snap(text, cut)
        left, right = text[:cut], text[cut:]
        page.emit(left, starts_paragraph=True, body=True)
        for line in between or []:
            page.emit(line, starts_paragraph=True, body=True)
        page.emit(right, body=True)
        page.joints.append({"article": gid, "joint": left[-4:] + right[:4]})

    def body_of(a: dict, style: str) -> tuple[list[str], list[str], list[str], list[str], str | None, str | None, str | None]:
        """(printed paragraphs, gold paragraphs, bylines, photographers, dateline,
        line under the headline, closing credit line)."""
        paras = list(a["paragraphs"])
        names = list(a.get("names") or [])
        bylines, photographers, dateline, under, closing = list(names), [], None, None, None
        first = next((k for k, p in enumerate(paras) if not p.startswith("## ")), None)
        if a.get("photo"):
            bylines, photographers = [], names
            if style == "photo-paren" and names:
                return paras[:-1] + [paras[-1] + f"({' '.join(names)} 摄)"], paras, [], names, None, None, None
            closing = ("新华社记者  " + "  ".join(_pad(n) for n in names) + "摄") if names else None
            return paras, paras, [], names, None, None, closing
        printed = list(paras)
        if style == "paren-end":
            printed[-1] = printed[-1] + f"({' '.join(names)})"
        elif style == "paren-line":
            closing = f"({' '.join(names)})"
        elif style == "under-headline":
            under = _byline_line(names, rng)
        elif style == "dateline-names" and first is not None:
            dateline = "本报讯"
            printed[first] = "本报讯 记者 " + " ".join(names) + " " + paras[first]
            paras[first] = printed[first]
        elif style == "dateline-paren" and first is not None:
            dateline = rng.choice(["本报北京5月19日电", "本报南京6月2日电", "新华社上海3月8日电"])
            printed[first] = f"{dateline} （记者{'、'.join(names)}）" + paras[first]
            paras[first] = printed[first]
        elif style == "none-dateline" and first is not None:
            dateline = "本报讯"
            printed[first] = paras[first] = "本报讯 " + paras[first]
            printed[-1] = printed[-1] + f"({' '.join(names)})"
        if style == "none" or (not names):
            bylines = []
        return printed, paras, bylines, photographers, dateline, under, closing

    def print_article(a: dict, gid: str) -> None:
        style = _credit_style(a, rng, house)
        if a.get("continued_to_page") and style in ("paren-end", "paren-line", "none-dateline"):
            style = "under-headline"  # a closing credit is printed on the page the story jumps to
        paras, g_paras, bylines, photographers, dateline, under, closing = body_of(a, style)
        for key in ("kicker", "title", "subtitle"):
            if a.get(key):
                page.emit(a[key])
        if under:
            page.emit(under)
        plain = [k for k, p in enumerate(paras) if not p.startswith("## ")]
        cuts = {k: c for k in plain if rng.random() < 0.35 and (c := _cut_point(paras[k], rng)) is not None}
        # A lead printed inside the first cut paragraph (the seed page's a01).
        displaced = None
        if len(plain) >= 4 and rng.random() < 0.25 and not dateline and not a.get("photo"):
            later = [k for k in plain[1:] if k in cuts]
            if later:
                displaced = (plain[0], later[0])
        for k, p in enumerate(paras):
            if displaced and k == displaced[0]:
                continue
            if p.startswith("## "):
                page.emit(p[3:])
            elif k in cuts:
                cut_paragraph(gid, p, cuts[k], [paras[displaced[0]]] if displaced and k == displaced[1] else None)
            else:
                page.emit(p, starts_paragraph=True, body=True)
        if a.get("continued_to_page"):
            page.lines[-1] = page.lines[-1] + _marker("to", a["continued_to_page"], letters)
        if closing:
            page.emit(closing)
        g = gold_for(a, gid, g_paras, bylines, photographers, dateline)
        g["continued_to_page"] = a.get("continued_to_page")
        plain_g = [p for p in g_paras if not p.startswith("## ")]
        for x, y in zip(plain_g, plain_g[1:]):
            order_checks.append([x[:10], y[:10]])

    for n, a in enumerate(others, start=1):
        print_article(a, f"a{n:02d}")
        if rng.random() < 0.1 and n < len(others):
            page.emit(rng.choice(["本版责编：许  诺  赵川博", "版式设计：张  三", "本期统筹：李  四  王五六"]))
        elif adverts and n < len(others) and variant.random() < 0.5:
            advert_lines = _advert(variant)
            for line in advert_lines:
                page.emit(line)
            adverts = False

    def finish_continuation(a: dict, gid: str, paras: list[str], rest: list[str]) -> None:
        """Print the rest of a continued story, some paragraphs cut, and its gold."""
        for p in rest:
            c = _cut_point(p, rng) if rng.random() < 0.3 else None
            if c is not None:
                cut_paragraph(gid, p, c)
            else:
                page.emit(p, starts_paragraph=True, body=True)
        gold_for(a, gid, paras, [], [], None)
        for x, y in zip(paras, paras[1:]):
            order_checks.append([x[:10], y[:10]])

    # Continued stories: each one's first column (marker, text up to a cut),
    # then for each its jump headline and the rest -- as the seed page prints them.
    jumps = []
    for k, a in enumerate(continuations, start=len(others) + 1):
        gid = f"a{k:02d}"
        paras = [p for p in a["paragraphs"] if not p.startswith("## ")][:8]
        if len(paras) < 2:
            continue
        split = 1 + rng.randrange(min(2, len(paras) - 1))
        last = paras[split - 1]
        # Mostly the first column ends mid-sentence; sometimes on a paragraph's end.
        cut = _cut_point(last, rng) if rng.random() < 0.75 else len(last)
        if cut is None:
            continue
        if cut < len(last):
            rng.random()  # (drawn as before, so the pages stay comparable; the break is placed below)
        jumps.append((a, gid, paras, split, cut))
    if jumps and rng.random() < 0.4:
        # The other common layout: each continued story under its own jump
        # headline, "(上接第1版)" opening its text.
        for a, gid, paras, split, cut in jumps:
            page.emit(a["title"])
            page.emit(_marker("from", a["continued_from_page"], letters) + paras[0], starts_paragraph=True, body=True)
            finish_continuation(a, gid, paras, paras[1:])
        jumps = []
    placed = []
    for a, gid, paras, split, cut in jumps:
        first = paras[: split - 1]
        marker = _marker("from", a["continued_from_page"], letters)
        last = paras[split - 1]
        # The column break falls at the end of a printed line of the text as
        # printed here: indented, and after the marker when it opens the line.
        if first:
            cut = page.snap(last, cut) if cut < len(last) else cut
            page.emit(marker + first[0], starts_paragraph=True, body=True)
            for p in first[1:]:
                page.emit(p, starts_paragraph=True, body=True)
            page.emit(last[:cut], starts_paragraph=True, body=True)
        elif rng.random() < 0.5:
            cut = page.snap(last, cut) if cut < len(last) else cut
            page.emit(marker)
            page.emit(last[:cut], starts_paragraph=True, body=True)
        else:
            cut = page.snap(marker + last, len(marker) + cut) - len(marker) if cut < len(last) else cut
            page.emit(marker + last[:cut], starts_paragraph=True, body=True)
        placed.append((a, gid, paras, split, cut))
    for a, gid, paras, split, cut in placed:
        page.emit(a["title"])
        left, right = paras[split - 1][:cut], paras[split - 1][cut:]
        if right:
            page.emit(right, body=True)
            page.joints.append({"article": gid, "joint": left[-4:] + right[:4]})
        finish_continuation(a, gid, paras, paras[split:])
    if rng.random() < 0.5:
        page.emit("本版责编：许  诺  赵川博  版式设计：张  三")
    raw = "\n".join(page.lines) + "\n"
    for g in gold_articles:
        g.pop("continued_to_page", None)
    features = [name for name, on in (("line-per-line", page.column), ("letter-pages", letters and (
        continuations or any(a.get("continued_to_page") for a in others))), ("advert", advert_lines)) if on]
    gold = {"source": f"simulated-{seed}.txt", "house_style": house, "layout": features or ["plain"],
            "articles": gold_articles, "unassigned": advert_lines,
            "joints": page.joints, "order_checks": order_checks}
    return raw, gold


# ------------------------------------------------------------------ scoring

def _scorer():
    spec = importlib.util.spec_from_file_location("score_import", TOOLS)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SCORER = _scorer()


def score_draft(gold: dict, raw: str, draft, *, date: dt.date = dt.date(2024, 6, 30), page: int = 2,
                per_article: bool = False) -> dict:
    """Write the draft with the importer's writer into a temporary folder and score it
    (per_article: also "_full", gold id -> reconstructed fully right)."""
    from wxnews_site.importer.write import PageImport, apply, plan

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        apply(plan([PageImport(date, page, None, None, gold.get("source", "page.txt"), None, draft)], root))
        produced = [SCORER.read_article(f) for f in sorted(root.rglob("*.md"))]
        extra = tuple(f.read_text(encoding="utf-8") for f in sorted(root.rglob("*.yaml")))
        result = SCORER.score(gold, raw, produced, extra)
        if per_article:
            result["_full"] = fully_right(gold["articles"], produced)
        return result


def fully_right(gold_articles: list[dict], produced: list[dict]) -> dict[str, bool]:
    """Each gold article: paired, and its headline set, credits and every paragraph right."""
    pairing = SCORER.match(gold_articles, produced)
    out = {}
    for g in gold_articles:
        p = pairing[g["id"]]
        out[g["id"]] = bool(p) and (
            SCORER.headline_set(p["meta"]) == SCORER.headline_set(g)
            and SCORER.names(p["meta"].get("bylines")) == SCORER.names(g.get("bylines"))
            and SCORER.names(p["meta"].get("photographers")) == SCORER.names(g.get("photographers"))
            and all(para in p["paragraphs"] for para in g["paragraphs"]))
    return out


# A few short articles written for the tests (no newspaper text).
SAMPLE_ARTICLES: list[dict] = [
    {
        "kicker": "城市更新项目推进会召开——", "title": "老街区焕发新活力", "subtitle": None,
        "names": ["刘泉", "张云河"],
        "paragraphs": [
            "6月3日,城市更新项目推进会在市民中心召开,各区负责人通报了上半年老街区改造的进展和下一步安排。",
            "## 街巷",
            "今年以来,全市已完成十二条背街小巷的整治,沿街商户的招牌统一更换,雨污管网全部分流,居民出行更加方便。",
            "改造过程中,施工单位坚持先征求意见再动工,每条街巷都召开了居民议事会,把停车位、晾衣架和绿化的位置交给居民商量。",
            "不少老人说,过去下雨天门口积水,如今路面平整干净,傍晚出来散步的人也多了起来。",
            "## 业态",
            "街区还引入了书店、手作工坊和社区食堂,既保留了老字号,又增加了年轻人喜欢的新去处,周末客流比去年同期明显增加。",
        ],
    },
    {
        "kicker": None, "title": "运河边新建三座口袋公园", "subtitle": None, "names": ["王晓莉"],
        "paragraphs": [
            "运河沿岸新建的三座口袋公园近日向市民开放,园内设置了健身步道、儿童游乐区和休憩座椅。",
            "公园利用闲置边角地建设,设计时保留了原有的大树,并种植了适合本地气候的花木,四季都有景可赏。",
            "附近居民表示,以前这里堆放杂物,现在成了家门口的小花园,早晚锻炼有了好去处。",
        ],
    },
    {
        "kicker": None, "title": "秋季蔬菜种植技术培训走进田间", "subtitle": "农技人员手把手教授新品种栽培",
        "names": ["欧阳洁", "孙芊芊"],
        "paragraphs": [
            "连日来,农技推广中心组织专家深入各镇村,开展秋季蔬菜种植技术培训,帮助农户选好品种、用好技术。",
            "在示范基地,农技人员现场讲解育苗、移栽和病虫害绿色防控的要点,并发放了图文并茂的技术手册。",
            "参加培训的种植大户说,新品种产量高、口感好,按照专家的方法管理,今年的收成值得期待。",
            "据介绍,培训将持续到下月中旬,覆盖全市所有蔬菜生产基地。",
        ],
    },
    {
        "kicker": None, "title": None, "subtitle": None, "names": ["宗晓东"], "photo": True,
        "paragraphs": ["昨天,市少儿游泳比赛在体育中心举行,来自各区的两百余名小选手同场竞技。图为男子五十米自由泳决赛现场。"],
    },
    {
        "kicker": None, "title": "社区食堂让老人吃上热乎饭", "subtitle": None, "names": [],
        "continued_from_page": 1,
        "paragraphs": [
            "食堂每天提供三种套餐,荤素搭配,价格实惠,行动不便的老人还可以预约送餐上门。",
            "为了让饭菜更合老人口味,食堂定期征求意见,少油少盐,软烂适口,还推出了节令菜品。",
            "社区还组织志愿者在用餐高峰时段帮忙引导,陪独居老人聊天,食堂成了老人们交流的好地方。",
            "负责人说,下一步将在更多社区推广这一做法,让更多老人在家门口享受便利。",
        ],
    },
    {
        "kicker": None, "title": "智能制造园区新项目签约落地", "subtitle": None, "names": [],
        "continued_from_page": 1,
        "paragraphs": [
            "签约的项目涵盖工业机器人、精密传感器和新能源装备零部件,预计全部投产后年产值可达三十亿元。",
            "园区为企业提供从注册到开工的全程代办服务,审批时间比以往缩短了一半以上,企业负责人对此赞不绝口。",
            "园区还与高校合作建设实训基地,为入驻企业定向培养技术工人,解决了企业招工难的问题。",
        ],
    },
]
