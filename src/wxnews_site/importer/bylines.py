"""Printed credits -> names: bylines, photographers and datelines.

Newspapers print the same information in many shapes: "(崔欣润)" after the
last paragraph, "本报记者  刘  泉  张云河" under the headline (double spaces
both separate names and pad two-character names), "(宗晓东 摄)",
"新华社记者  王五摄", or a dateline opening the first paragraph,
"本报北京5月19日电 （记者谷业凯）". The text is kept exactly as printed in
`Credit.text`; the names are what person pages are keyed on, so padding is
removed ("刘  泉" is 刘泉) and role words (记者, 通讯员 ...) never become names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
NAME_RE = re.compile(rf"^[{CJK}]{{2,4}}$|^[{CJK}]{{1,8}}(?:[·•][{CJK}]{{1,8}}){{1,3}}$")
# Roles that precede names. Agency and paper names vary ("大众日报记者",
# "《中国经济周刊》记者", "人民网记者"), so any short prefix before the role noun is accepted.
ROLE_NOUN = r"(?:特约|见习|实习|驻[{0}]{{1,4}})?(?:记者|通讯员|撰稿人|实习生)".format(CJK)
ROLE_TOKEN = re.compile(rf"^(?:《[^》]{{1,12}}》|[{CJK}]{{0,8}}?)(?:{ROLE_NOUN})[:：]?$")
ROLE_PREFIX = re.compile(rf"^(?:本报|新华社|中新社|《[^》]{{1,12}}》|[{CJK}]{{2,6}}(?:日报|晚报|时报|网|社|台))?(?:{ROLE_NOUN})[:：]?")
# What a credit for a set of pictures opens with: "以上图片均为…摄", "本版照片均为…摄".
PHOTO_SET_RE = re.compile(r"^(?:以上|以下|本版|本组|上|下|左|右)?(?:图片|照片|图)?均为[、，,\s]*")
PHOTO_ROLES = {"摄", "摄影", "摄影记者", "图", "图片", "本报摄影记者", "供图", "制图"}
BOTH_ROLES = {"文/图", "图/文", "文图", "图文", "文·图"}
BULLETS = "□■◎●◆▲★☆○◇·•"
TEXT_ROLES = {"文", "撰文", "本报讯", "作者", "口述", "整理", "文字"}
AGENCY_TAIL = re.compile(r"\s*[（(](?:[^()（）]{2,10}发|影像中国|人民视觉|人民图片|视觉中国|新华社|资料图片|本报资料图片)[)）]\s*$")
NUM = r"[0-9０-９一二三四五六七八九十〇]{1,3}"
DATELINE_RE = re.compile(
    rf"^(?:本报讯|据新华社电|新华社电|本报电"
    rf"|(?:本报|新华社|中新社|[{CJK}]{{2,8}}(?:社|网|报|台))[{CJK}]{{0,12}}?{NUM}月{NUM}日(?:电|讯)"
    rf"|据?(?:本报|新华社|中新社)[{CJK}]{{2,12}}?电(?=[\s（(]))"  # "本报北京电  （记者韩鑫）", "据新华社赫尔辛基电 （…）"
)
EDITOR_CREDIT_RE = re.compile(
    r"^\s*(?:本版|本期|[一二三四五六七八九十0-9]{1,3}版)?"
    r"(?:责编|责任编辑|编辑|美编|美术编辑|校对|版式设计|版式|统筹|策划|设计|制图|审读|组版|邮箱|图片编辑|视觉设计|主编|监制|值班编辑)"
    r"\s*[:：]"
)
# "记者手记", "记者观察": a reporter's column, printed as a subheading, names nobody.
REPORTER_COLUMN_RE = re.compile(r"^[【\[（(]?(?:本报)?记者(?:手记|观察|调查|札记|探访|笔记|日记|述评|感言|来信|体验)[】\]）)]?$")
CONTRIBUTED_RE = re.compile(r"^(.+?)(?:参与采写|参与采访|参与报道|对本文亦有贡献)$")
PLACE_NAME_RE = re.compile(
    rf"^([{CJK}]{{2,12}}(?:省|市|县|区|州|盟|旗|镇|乡|村|街道))\s+([{CJK}](?:\s*[{CJK}]){{1,3}})$"
)
# Where an author works or what they are, printed before the name with no role
# word: "江苏省无锡市梁溪区人民法院  王强", "南京大学教授  李明". The line is kept as
# printed in Credit.text; only the names after the space are bylines.
AFFILIATION_END = (
    "法院|检察院|大学|学院|学校|中学|小学|幼儿园|党校|研究院|研究所|研究中心|科学院|社科院|医院|卫生院|中心|委员会"
    "|政府|办公室|局|厅|署|协会|学会|联合会|基金会|公司|集团|银行|图书馆|博物馆|纪念馆|文化馆|美术馆|报社|杂志社|出版社"
    "|教授|副教授|研究员|副研究员|讲师|院士|博士|博士生|主任|委员|院长|所长|校长|馆长|局长|书记|法官|检察官|律师|医生|医师"
    "|村医|教师|老师|工程师|作家|诗人|画家|学者|专家|会长|理事长|董事长|总经理|干部|民警|志愿者|队长|负责人|老人"
    "|代表"
)  # (not 主席, 总理, 部长 ...: "中华人民共和国主席  习近平" signs a decree printed inside a text)
# A talk's or an interview's speaker: "本期主讲人：…研究所所长  周毅仁".
SPEAKER = r"(?:本期)?(?:主讲人|讲述人|作者)[:：]\s*"
AFFILIATION_NAME_RE = re.compile(
    rf"^(?:{SPEAKER})?([^\s。！？!?；;，,“”\"]{{2,40}}?(?:{AFFILIATION_END}))\s+([{CJK}·•](?:\s*[{CJK}·•]){{1,30}})$"
)
# A foreign author's country before the name: "（巴西）若昂·坎迪多·波尔蒂纳里"
COUNTRY_NAME_RE = re.compile(rf"^([（(][{CJK}]{{1,8}}[)）])\s*([{CJK}]{{1,8}}(?:[·•][{CJK}]{{1,8}}){{1,3}})$")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    # from the 百家姓 and other surnames printed in bylines (莽, 禤, 笪 ...); characters
    # that often open an ordinary word or a place ("(经济)", "(东部)", "(鄂州)") are left
    # out, since a bracketed word after a sentence would then read as its author
    "傅萧洪赖阎酆贝贲钮荀羿汲邴糜隗宓蓬郗钭韶莘逄郦郤璩濮郏宦庾殳夔厍訾毋乜蒯竺桓莽禤笪佴谯雒郯琚郅习巨郇"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯", "端木", "西门", "澹台", "轩辕", "呼延", "南宫")


@dataclass(frozen=True)
class Credit:
    text: str  # exactly as printed
    bylines: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    dateline: str | None = None
    # Why this reading of names is unsure, for the editor to check (a bare name
    # that is also an ordinary word: "高峰", "黎明"); None when the reading is plain.
    doubt: str | None = None


def _tokens(text: str) -> list[str]:
    text = text.replace("\u200b", "").replace("\u3000", " ")
    text = re.sub(r"[、，,;；:：]", " ", text)  # "文/图:王强": a colon after a role separates too
    out: list[str] = []
    for tok in text.split():  # "张三/摄", "图/张三"; but "文/图" is one role
        out.extend([tok] if tok in BOTH_ROLES else [t for t in re.split(r"(?<=.)/(?=.)", tok) if t])
    return out


def _is_name(token: str) -> bool:
    return bool(NAME_RE.match(token))


def plausible_person(name: str) -> bool:
    """A bare name printed alone needs a known surname: "布点" and "聚力" are subheadings."""
    if "·" in name or "•" in name:
        return True
    if name.startswith(COMPOUND_SURNAMES):
        return 3 <= len(name) <= 4
    return name[:1] in SURNAMES and 2 <= len(name) <= 3


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """jieba's word -> part-of-speech table, loaded only when a bare name needs judging."""
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    import jieba.posseg  # loads the table (well under a second)

    return jieba.posseg.dt.word_tag_tab


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    import jieba
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


# Words papers head a column or a box with, rare in the dictionary and led by a
# surname (简, 时, 史 …): "简讯" over a column of briefs is nobody's name.
COLUMN_WORDS = frozenset({"简讯", "快讯", "短讯", "资讯", "图讯", "速递", "播报", "集锦", "纵览", "短波", "链接",
                          "编后", "手记", "时评", "短评", "快评", "述评", "史话", "简评", "简介"})


def word_reading(name: str) -> str:
    """How a bare name reads as an ordinary word: "name" (no such word: "王强"),
    "both" (a word that is also a given name: "高峰", "黎明", "白云") or "word"
    ("关注", "江南", "文明": too common a word to be taken as a person's name alone)."""
    if "·" in name or "•" in name:
        return _dotted_reading(name)
    if len(name) > 3:
        return "name"
    if name in COLUMN_WORDS:
        return "word"
    freq = _word_freq().get(name, 0)  # 0 for a prefix of longer words, not a word
    if not freq:
        return "name"
    tag = _word_tags().get(name, "")
    if tag.startswith("nr") and len(name) == 3:
        return "name"  # a person the dictionary knows: "习近平"
    if freq >= 2000 or (freq >= 100 and not tag.startswith("nr")) or (freq >= 20 and tag.startswith("ns")):
        return "word"  # (a place, "吉林", heads a roundup's part more often than it names a person)
    return "both"


def _dotted_reading(name: str) -> str:
    """A dotted line is a transliterated name ("阿依古丽·买买提", "约翰·史密斯") unless
    a part holds a common word: "乡村·振兴" and "根脉·筑牢发展之安" are headings; nor
    when ordinary words make up most of it, however rare ("梁溪家居·实木餐桌椅", an
    advert's title): a transliteration reads as names or as no words at all."""
    import jieba

    freq, tags = _word_freq(), _word_tags()
    worded = 0
    for part in re.split(r"[·•]", name):
        for w in jieba.lcut(part, HMM=False):
            tag = tags.get(w, "")
            # (a foreign given name may be a place's as a whole part: "华盛顿·阿劳若", "苏丹·哈利")
            if len(w) < 2 or tag.startswith("nr") or (tag.startswith("ns") and w == part):
                continue
            if freq.get(w, 0) >= 300:
                return "word"  # "黄河" in "青海玛多·黄河沿水文站": a place's heading
            if not tag.startswith("ns"):  # (rare place-like parts: "苏拉布", "普京")
                worded += len(w)
    return "word" if 2 * worded > len(re.sub(r"[·•]", "", name)) else "name"


def _padded(text: str) -> bool:
    """A name padded to the width of three characters: "王  强"; papers pad names, not words."""
    return bool(re.search(rf"(?:^|\s)[{CJK}]\s+[{CJK}]", text))  # "沈  丘文" too


def _bare_reading(printed: str, names: list[str]) -> tuple[bool, str | None]:
    """(names at all, a note for the editor) for names printed alone with no role
    word: not names when one reads only as a word, noted when one reads both ways."""
    if _padded(printed):
        return True, None
    readings = {n: word_reading(n) for n in names}
    if "word" in readings.values():
        return False, None
    both = [n for n, r in readings.items() if r == "both"]
    if not both:
        return True, None
    word = "it" if both[0] == printed.strip() else f"“{both[0]}”"
    return True, f"“{printed.strip()}” read as the author's name, though {word} is also an ordinary word; check it is not a subheading"


def _names(text: str, strict: bool) -> tuple[list[str], list[str]] | None:
    """(bylines, photographers) from role words and names; None when strict and not a credit."""
    bylines: list[str] = []
    photos: list[str] = []
    mode = "text"
    segment: list[str] = []  # names since the last role word, in case "摄" follows them
    pending = ""  # a single character waiting for its padded partner: "刘  泉"
    roled = False  # a role word was printed: names after it may have lost their spaces

    def add(name: str) -> None:
        segment.append(name)
        if mode in ("text", "both"):
            bylines.append(name)
        if mode in ("photo", "both"):
            photos.append(name)

    def flush() -> bool:
        nonlocal pending
        if pending:
            if strict:
                return False
            add(pending)
            pending = ""
        return True

    for raw in _tokens(text):
        tok = raw.strip(":：/")
        if not tok:
            continue
        if raw in BOTH_ROLES or tok in BOTH_ROLES:
            if not flush():
                return None
            mode, segment = "both", []
            continue
        if tok == "摄影报道":  # "本报记者 张三 摄影报道": the names before took the pictures and wrote
            photos.extend(n for n in segment if n not in photos)
            segment = []
            continue
        if tok in PHOTO_ROLES:
            if not flush():
                return None
            if tok == "摄":  # "宗晓东 摄": the names just printed took the photo
                for n in segment:
                    if n in bylines:
                        bylines.remove(n)
                    if n not in photos:
                        photos.append(n)
                segment = []
            else:
                mode, segment = "photo", []
            continue
        if tok == "文" and len(pending) == 1:  # "于  文": a padded name; a surname alone signs nothing
            add(pending + tok)
            pending = ""
            continue
        if tok in TEXT_ROLES or ROLE_TOKEN.match(tok):
            if not flush():
                return None
            mode, segment, roled = ("photo" if "摄影" in tok else "text"), [], True
            continue
        m = ROLE_PREFIX.match(tok)
        if m and m.end() < len(tok):  # "记者谷业凯": role glued to the name
            if not flush():
                return None
            mode, segment, roled = "text", [], True
            tok = tok[m.end():]
        padded = len(tok) == 5 and len(pending) == 1  # "鲜  敢  黄  锐摄影报道"
        if len(tok) > 4 and tok.endswith("摄影报道") and (padded or _is_name(tok[:-4])):
            # "（记者胡虎虎摄影报道）": wrote the report and took its pictures
            name, pending = (pending + tok[:-4], "") if padded else (tok[:-4], pending)
            for n in segment + [name]:
                if n not in bylines:
                    bylines.append(n)
                if n not in photos:
                    photos.append(n)
            segment = []
            continue
        shot = False
        if len(tok) > 2 and tok.endswith("摄影"):
            tok, shot = tok[:-2], True
        elif len(tok) >= 2 and tok.endswith("摄"):
            tok, shot = tok[:-1], True
        if shot and pending and len(tok) == 1:  # "张  茂摄": padded name, then 摄
            tok, pending = pending + tok, ""
        if not shot and len(pending) == 1 and len(tok) == 2 and tok.endswith("文"):
            add(pending + tok[0])  # "廖  沅文": a padded name signing "文", written by
            pending = ""
            continue
        if len(tok) == 1 and re.match(rf"[{CJK}]", tok) and not shot:
            pending += tok
            if len(pending) == 2:
                add(pending)
                pending = ""
            continue
        if pending:
            if strict:
                return None
            add(pending)
            pending = ""
        if not _is_name(tok):
            run = _run_together(tok) if roled else None
            if run is not None and not shot:
                for name in run:
                    add(name)
                continue
            if strict:
                return None
        if shot:
            name = tok
            if name in bylines:
                bylines.remove(name)
            for n in segment:  # "本报记者  汪思源摄": everyone in the segment shot it
                if n in bylines:
                    bylines.remove(n)
                if n not in photos:
                    photos.append(n)
            if name not in photos:
                photos.append(name)
            segment = []
            continue
        add(tok)
    if pending:
        if strict:
            return None
        add(pending)
    return bylines, photos


def _run_together(run: str) -> list[str] | None:
    """Names after a role word whose spaces the extraction lost, "周人杰郑洋洋", read
    as names of two or three characters each opening on a surname: the reading with
    the fewest names, when only one has that few ("刘志强王云杉", not "刘志 强王 云杉").
    Five characters or more are no one name."""
    if not 5 <= len(run) <= 12 or not re.fullmatch(rf"[{CJK}]+", run):
        return None
    readings: list[list[str]] = []

    def walk(at: int, names: list[str]) -> None:
        if at == len(run):
            readings.append(names)
            return
        for size in (2, 3, 4):
            name = run[at:at + size]
            if len(name) == size and plausible_person(name):
                walk(at + size, names + [name])

    walk(0, [])
    fewest = min(map(len, readings), default=0)
    best = [r for r in readings if len(r) == fewest]
    return best[0] if len(best) == 1 else None


def _unwrap(text: str) -> str:
    t = text.strip()
    if len(t) >= 2 and t[0] in "(（" and t[-1] in ")）":
        return t[1:-1]
    return t


# A paper's collective signature, printed where an author's name would be and kept
# as the author: "本报评论员" under an editorial's headline, "本报评论员文" under its text.
COLLECTIVE_RE = re.compile(r"^((?:本报|本刊|新华社|人民日报|[\u4e00-\u9fff]{2,6}(?:日报|晚报))(?:特约)?(?:评论员|编辑部|评论部))文?$")


def parse_credit(text: str, bare: bool = False) -> Credit | None:
    """One printed credit -> names, or None when the text is not a credit.

    `bare` allows a line holding only names with no role word or parentheses
    (an essay's author under its headline); the caller decides where that is
    plausible, and a bare name still needs a known surname.
    """
    printed = text.strip()
    if not printed or len(printed) > 60 or EDITOR_CREDIT_RE.match(printed) or REPORTER_COLUMN_RE.match(printed):
        return None
    if (collective := COLLECTIVE_RE.match(printed)) is not None:
        return Credit(printed, (collective.group(1),), (), None)
    lead = lead_credit(printed)
    if lead is not None:
        # "本报讯 记者 张三" alone is a credit; "本报讯 暑假里，…" opens a paragraph
        return lead if lead.text == printed else None
    core = AGENCY_TAIL.sub("", printed).lstrip(BULLETS + " \u3000")
    inner = _unwrap(core)
    wrapped = inner != core.strip()
    shared = PHOTO_SET_RE.match(inner)
    if shared and inner.rstrip().endswith(("摄", "摄影")):
        inner = inner[shared.end():]  # "以上图片均为本报记者王曦摄": one credit for a set of pictures
    if bare and not wrapped:  # (an affiliation may hold digits: "…下庙村107岁老人  王万春")
        affiliated = _affiliated(printed, inner)
        if affiliated is not None:
            return affiliated
    if not inner.strip() or re.search(r"[。！？!?；;，,“”\"0-9]", inner):
        return None
    written = _written_by(inner) if bare and not wrapped else None
    if written is not None:
        return Credit(printed, written, (), None)
    m = CONTRIBUTED_RE.match(inner)
    if wrapped and m:
        # "（吴思仪参与采写）": a note closing the story, kept as printed; helpers
        # are not the story's bylines (papers list them apart from the authors).
        found = _names(m.group(1), strict=True)
        if found and found[0]:
            return Credit(printed, (), (), None)
    found = _names(inner, strict=True)
    if found is None:
        return None
    bylines, photos = found
    if not bylines and not photos:
        return None
    marked = wrapped or _has_role(inner) or bool(photos)
    if not marked or (wrapped and not photos and not any(ROLE_PREFIX.match(t) for t in _tokens(inner))):
        # Names with no role word: "(崔欣润)" after a paragraph, or an essay's
        # author alone on a line. "(上海)" and "布点" are not people: need a surname.
        if not all(plausible_person(n) for n in bylines):
            return None
        if not marked and not bare:
            return None
        if not marked:  # a bare line: "王强" under a headline, but not "关注" or "江南"
            names, doubt = _bare_reading(inner, bylines)
            return Credit(printed, tuple(dict.fromkeys(bylines)), (), None, doubt) if names else None
    return Credit(printed, tuple(dict.fromkeys(bylines)), tuple(dict.fromkeys(photos)), None)


def _written_by(text: str) -> tuple[str, ...] | None:
    """An end credit "谢亚宏文", "葛孟超  屈信明  谢亚宏文": names and "文" (written
    by) run together. Four characters are not one name unless the surname is a
    compound one, so the last "文" is the role. Three are read the same way
    ("崔妍文"): a paper pads a two-character name ("王  强文"), but a PDF's text
    often loses the padding, and two-character names are some forty times as
    common as three-character ones ending in 文 (People's Daily's bylines). A
    three-character name the dictionary knows as a person's keeps its 文."""
    tokens = re.sub(rf"(?<![{CJK}])([{CJK}])\s+([{CJK}])(?![{CJK}])", r"\1\2", text).split()  # "方  圆": padded
    last = tokens[-1] if tokens else ""
    if ("·" in last or "•" in last) and last.endswith("文") and len(last) > 4:
        return _all_names(tokens[:-1] + [last[:-1]])  # "苏拉布·古普塔文": a foreign author's name, and 文
    if len(last) not in (3, 4) or not last.endswith("文") or last.startswith(COMPOUND_SURNAMES):
        return None
    if len(last) == 3 and _word_tags().get(last, "").startswith("nr"):
        return None
    return _all_names(tokens[:-1] + [last[:-1]])


def _all_names(names: list[str]) -> tuple[str, ...] | None:
    """The names, if every one reads as a person's."""
    if not all((re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) or NAME_RE.match(n) and _dotted_reading(n) == "name")
               and plausible_person(n) for n in names):
        return None
    return tuple(names)


def _has_role(text: str) -> bool:
    """A role word is printed with the names: 记者, 摄, 文/图 ..."""
    return any(ROLE_TOKEN.match(t.strip(":：")) or t in PHOTO_ROLES or t in BOTH_ROLES or t in TEXT_ROLES
               or ROLE_PREFIX.match(t) for t in _tokens(text))


def _affiliated(printed: str, inner: str) -> Credit | None:
    """"黑龙江佳木斯市  武鸿学", "南京大学教授  李明": where the author writes from or
    works, then the name(s); the whole line is the credit, the names its bylines."""
    m = PLACE_NAME_RE.match(inner) or COUNTRY_NAME_RE.match(inner)
    if m:  # a reader or essayist and where they write from: "湖南长沙市  吴  峥"
        names_text = m.group(2)
        names = ["".join(names_text.split())]
    else:
        m = AFFILIATION_NAME_RE.match(inner)
        found = _names(m.group(2), strict=True) if m else None
        if not found or not found[0] or found[1]:
            return None
        names_text, names = m.group(2), found[0]
    if not all(plausible_person(n) for n in names):
        return None
    ok, doubt = _bare_reading(names_text, names)  # "无锡市  江南" is a place and a region
    return Credit(printed, tuple(dict.fromkeys(names)), (), None, doubt) if ok else None


# "本报记者  董洪亮  王锦涛": the reporters' line printed under a headline, over the text.
TOP_BYLINE_RE = re.compile(rf"^(?:本报|新华社|中新社)?{ROLE_NOUN}\s*[{CJK}]")


def heads_text(credit: Credit) -> bool:
    """The credit is printed as a reporters' line that opens a text (role first,
    no bracket, no "摄"), not as the names that sign a text's end."""
    return bool(TOP_BYLINE_RE.match(credit.text)) and bool(credit.bylines) and not credit.photographers


def heads_part(credit: Credit) -> bool:
    """The credit is printed as a signature over a text, not under one: a reporters'
    line (role first) or names alone, unbracketed ("牛志远  许陈静", "…研究所所长  周毅仁"),
    never an end credit ("(王强)", "王强文") nor a photographer's "摄"."""
    if credit.photographers or not credit.bylines:
        return False
    printed = credit.text.strip()
    return heads_text(credit) or (names_only(credit) and printed[:1] not in "(（" and _written_by(printed) is None)


def names_only(credit: Credit) -> bool:
    """A credit read as names only where the layout expects an author ("王强" under a
    headline): with no role word it says less about where a story starts."""
    return parse_credit(credit.text) is None


def lead_credit(paragraph: str) -> Credit | None:
    """A dateline (and the reporters printed with it) opening a first paragraph.

    "本报讯 记者 张三 通讯员 李四 6月29日,…" -> dateline "本报讯", bylines 张三 李四;
    `text` is the printed prefix, which stays in the paragraph.
    """
    m = DATELINE_RE.match(paragraph)
    if not m:
        return None
    dateline = m.group(0)
    rest = paragraph[m.end():]
    end = m.end()
    bylines: list[str] = []
    photos: list[str] = []
    pm = re.match(r"\s*[（(]([^()（）]{2,40})[)）]", rest)
    if pm:
        found = _names(pm.group(1), strict=True)
        # names only, with no role word, "（王强 李明）", must read as people: "（上海）" does not
        unmarked = found is not None and not found[1] and not _has_role(pm.group(1))
        if found is not None and (found[0] or found[1]) and not (unmarked and not all(map(plausible_person, found[0]))):
            bylines, photos = found
            end += pm.end()
    else:
        # Space-separated roles and names, up to the first token that is text.
        pos = 0
        parts = list(re.finditer(r"\s+(\S+)", rest))
        seen_role = False
        last_ok = 0
        chunk = ""
        after_role = False
        for p in parts:
            tok = p.group(1)
            rp = ROLE_PREFIX.match(tok)
            # "记者王强" is a role run into its name; "记者从国家中医药管理局获悉：…" opens the text
            if ROLE_TOKEN.match(tok.strip(":：")) or tok in PHOTO_ROLES or (
                    rp and (rp.end() == len(tok) or _is_name(tok[rp.end():].rstrip("摄")))):
                seen_role = after_role = True
            elif not (seen_role and (_is_name(tok.rstrip("摄")) or (len(tok) == 1 and re.match(rf"[{CJK}]", tok)))):
                name = _name_run_into_text(tok) if after_role else None
                if name:  # "记者 秦新春当观众在…": a PDF's text lost the space after the name
                    chunk = rest[: p.start(1) + len(name)]
                    pos = len(chunk)
                break
            elif not after_role and len(tok) > 1 and not plausible_person(tok.rstrip("摄")):
                break  # "记者 王晓莉 运河沿…": the text goes on after the names
            else:
                after_role = False
            chunk = rest[: p.end()]
            pos = p.end()
        if seen_role and chunk:
            found = _names(chunk, strict=False)
            if found is not None:
                bylines, photos = found
                last_ok = pos
        end += last_ok
    return Credit(paragraph[:end].rstrip(), tuple(dict.fromkeys(bylines)), tuple(dict.fromkeys(photos)), dateline)


def _name_run_into_text(token: str) -> str | None:
    """The name that opens `token` where the text runs on with no space after it
    ("秦新春当观众在…", "徐展雄2024年…"): the longest run of whole words, as jieba
    cuts them, that reads as a person's name."""
    import jieba

    name = None
    run = ""
    for word in jieba.lcut(token[:12]):
        run += word
        if len(run) > 4 or not re.fullmatch(rf"[{CJK}]+", run):
            break
        if plausible_person(run) and len(run) < len(token):
            name = run
    return name


def parse_authors(text: str) -> Credit:
    """A structured authors field from a CMS export: lenient, never None."""
    printed = (text or "").strip()
    found = _names(printed.replace("\u200b", ""), strict=False) or ([], [])
    return Credit(printed, tuple(dict.fromkeys(found[0])), tuple(dict.fromkeys(found[1])), None)


STAFF_ROLES = r"(?:责编|责任编辑|美编|美术编辑|校对|版式设计|版式|图片编辑|视觉设计|值班编辑)"
# "责任编辑 王五  美编 赵六": roles and names with no colon, nothing else on the line
STAFF_LINE_RE = re.compile(rf"^\s*(?:本版|本期)?(?:{STAFF_ROLES}\s+[{CJK}·\s]{{2,20}}?)+$")


def is_editor_credit(line: str) -> bool:
    """本版责编：… 版式设计：… — staff lines that belong to no article."""
    t = line.strip()
    return (bool(EDITOR_CREDIT_RE.match(t)) or bool(STAFF_LINE_RE.match(t))) and len(t) <= 120


__all__ = ["Credit", "heads_part", "heads_text", "is_editor_credit", "lead_credit", "names_only", "parse_authors", "parse_credit", "plausible_person"]
