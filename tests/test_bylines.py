from __future__ import annotations

import pytest

from wxnews_site.importer.bylines import is_editor_credit, lead_credit, parse_authors, parse_credit

# printed credit -> (bylines, photographers)
PRINTED = [
    ("(崔欣润)", ["崔欣润"], []),
    ("本报评论员", ["本报评论员"], []),  # a paper's collective signature is the author
    ("人民日报特约评论员", ["人民日报特约评论员"], []),
    ("本报评论员文", ["本报评论员"], []),  # signed under its text, as "徐  之文" is
    ("鲜  敢  黄  锐摄影报道", ["鲜敢", "黄锐"], ["鲜敢", "黄锐"]),  # padded names who wrote and took the pictures
    ("（孙倩茹）", ["孙倩茹"], []),
    ("(文扬)", ["文扬"], []),
    ("(记者 张三)", ["张三"], []),
    ("（记者  刘  泉）", ["刘泉"], []),
    ("(记者 张三 通讯员 李四)", ["张三", "李四"], []),
    ("本报记者  刘  泉  张云河", ["刘泉", "张云河"], []),
    ("本报记者  龚  鸣  关皓宇", ["龚鸣", "关皓宇"], []),
    ("本报记者  沈小晓  赵益普  戴楷然", ["沈小晓", "赵益普", "戴楷然"], []),
    ("本报记者 张三 本报通讯员 李四", ["张三", "李四"], []),
    ("本报特约记者  欧阳洁", ["欧阳洁"], []),
    ("见习记者 王晓莉", ["王晓莉"], []),
    ("实习生 孙芊芊", ["孙芊芊"], []),
    ("大众日报记者  王佳声  石如宽", ["王佳声", "石如宽"], []),
    ("《中国经济周刊》记者  孟祥夫", ["孟祥夫"], []),
    ("(宗晓东 摄)", [], ["宗晓东"]),
    ("（宗晓东摄）", [], ["宗晓东"]),
    ("(张三/摄)", [], ["张三"]),
    ("新华社记者  王五摄", [], ["王五"]),
    ("本报记者  汪思源摄", [], ["汪思源"]),
    ("李绍军摄（新华社发）", [], ["李绍军"]),
    ("张  茂摄（影像中国）", [], ["张茂"]),
    ("摄影 张三", [], ["张三"]),
    ("本报记者 张三 李四 摄", [], ["张三", "李四"]),
    ("文/图 张三", ["张三"], ["张三"]),
    ("图/张三", [], ["张三"]),
    ("本报记者 张三 文  李四 摄", ["张三"], ["李四"]),
    ("新华社北京5月19日电（记者张三、李四）", ["张三", "李四"], []),
    ("□本报记者 张三", ["张三"], []),
    ("■ 记者 张三 通讯员 李四", ["张三", "李四"], []),
    ("文/张三", ["张三"], []),
    ("文/张三 图/李四", ["张三"], ["李四"]),
    ("供图/李四", [], ["李四"]),
    ("本报记者 张三 摄影报道", ["张三"], ["张三"]),
    ("（记者胡虎虎摄影报道）", ["胡虎虎"], ["胡虎虎"]),
    ("以上图片均为本报记者王曦摄", [], ["王曦"]),  # one credit under a set of pictures
    ("（以上图片均为、张文豪 摄）", [], ["张文豪"]),
    ("（吴思仪参与采写）", [], []),
    ("（实习生张三、李四参与采写）", [], []),
    # names whose spaces a PDF's extraction lost, after a role word: the reading with fewest names
    ("(记者 周人杰郑洋洋)", ["周人杰", "郑洋洋"], []),
    ("本报记者 黄晶晶张健李沁芳", ["黄晶晶", "张健", "李沁芳"], []),
    ("本报记者 刘志强王云杉", ["刘志强", "王云杉"], []),  # not "刘志 强王 云杉"
    ("记者 欧阳洁王强", ["欧阳洁", "王强"], []),
]


@pytest.mark.parametrize("text,bylines,photographers", PRINTED, ids=[p[0] for p in PRINTED])
def test_printed_credits(text, bylines, photographers):
    credit = parse_credit(text)
    assert credit is not None
    assert credit.text == text
    assert list(credit.bylines) == bylines
    assert list(credit.photographers) == photographers


def test_names_run_together_need_a_role_word_and_one_reading():
    assert parse_credit("(周人杰郑洋洋)") is None  # no role word: a bracketed phrase, not lost spaces
    assert parse_credit("本报记者 王浩常钦").bylines == ("王浩常钦",)  # four characters may be one name


@pytest.mark.parametrize("text", [
    "布点", "聚力", "(上海)", "（大零号湾）", "本版责编：许  诺  赵  政", "(上接第1版)", "记者手记", "【记者观察】",
    "第七届过敏医学学术会议在锡举办", "截至目前,43个项目达标。", "“小上海”在“大上海”开辟窗口", "",
])
def test_not_credits(text):
    assert parse_credit(text) is None
    assert parse_credit(text, bare=True) is None


@pytest.mark.parametrize("line,name", [("黑龙江佳木斯市  武鸿学", "武鸿学"), ("湖南长沙市  吴  峥", "吴峥"), ("江苏无锡  张三", None),
                                       ("陕西西安市  冯  燮", "冯燮"), ("江苏无锡市  布点", None)])
def test_author_with_the_place_they_write_from(line, name):
    credit = parse_credit(line, bare=True)
    assert (credit.bylines if credit else None) == ((name,) if name else None)
    assert parse_credit(line) is None  # only where the layout expects an author


def test_bare_author_line_needs_the_callers_permission_and_a_surname():
    assert parse_credit("张安宇") is None
    assert parse_credit("张安宇", bare=True).bylines == ("张安宇",)
    assert parse_credit("深融", bare=True) is None


# paragraph opening -> (printed prefix, dateline, bylines)
LEADS = [
    ("本报讯 6月29日,第七届会议在无锡开幕。", "本报讯", "本报讯", []),
    ("本报讯 记者 张三 通讯员 李四 6月29日,会议召开。", "本报讯 记者 张三 通讯员 李四", "本报讯", ["张三", "李四"]),
    ("本报讯（记者 刘  泉）近日,会议召开。", "本报讯（记者 刘  泉）", "本报讯", ["刘泉"]),
    ("本报北京5月19日电 （记者谷业凯）近日,会议召开。", "本报北京5月19日电 （记者谷业凯）", "本报北京5月19日电", ["谷业凯"]),
    ("新华社北京5月19日电（记者张三、李四）近日,会议召开。", "新华社北京5月19日电（记者张三、李四）", "新华社北京5月19日电", ["张三", "李四"]),
    ("本报南京5月8日讯 今天,会议召开。", "本报南京5月8日讯", "本报南京5月8日讯", []),
    ("本报北京电  （记者韩鑫）交通运输部近日发布预报。", "本报北京电  （记者韩鑫）", "本报北京电", ["韩鑫"]),
    # a PDF's text may lose the space between the name and the text run on after it
    ("本报讯 记者 秦新春当观众步入剧场时,演出开始。", "本报讯 记者 秦新春", "本报讯", ["秦新春"]),
    ("本报讯 记者 徐展雄2024年10月,主创来到贵州。", "本报讯 记者 徐展雄", "本报讯", ["徐展雄"]),
    ("本报讯 记者 王强 通讯员 李明近日,会议召开。", "本报讯 记者 王强 通讯员 李明", "本报讯", ["王强", "李明"]),
]


@pytest.mark.parametrize("paragraph,prefix,dateline,bylines", LEADS, ids=[x[1] for x in LEADS])
def test_datelines_opening_a_paragraph(paragraph, prefix, dateline, bylines):
    credit = lead_credit(paragraph)
    assert credit is not None
    assert credit.text == prefix
    assert credit.dateline == dateline
    assert list(credit.bylines) == bylines


def test_ordinary_paragraph_has_no_dateline():
    assert lead_credit("6月28日,座谈会在黄浦江畔举行。") is None
    assert lead_credit("本报记者电话采访了多位专家。") is None


# authors fields as exported by a CMS, in the shapes seen in practice
AUTHORS = [
    ("本报记者  龚  鸣  关皓宇", ["龚鸣", "关皓宇"], []),
    ("贺林平  余宝珠", ["贺林平", "余宝珠"], []),
    ("新华社记者  张申博", ["张申博"], []),
    ("大众日报记者  王佳声  石如宽", ["王佳声", "石如宽"], []),
    ("劳伦斯·弗里曼", ["劳伦斯·弗里曼"], []),
    ("罗伯特·劳伦斯·库恩", ["罗伯特·劳伦斯·库恩"], []),
    ("本报通讯员  龚俊慧", ["龚俊慧"], []),
    ("本报记者  施  芳", ["施芳"], []),
    ("魏  凯", ["魏凯"], []),
    ("\u200b魏  凯", ["魏凯"], []),
    ("\u200b本报记者  何昭宇", ["何昭宇"], []),
    ("伊藤真", ["伊藤真"], []),
    ("本报记者  李家鼎", ["李家鼎"], []),
    ("人民网记者  张三  李四", ["张三", "李四"], []),
    ("本报记者  王  云  杉  木", ["王云", "杉木"], []),
    ("本报记者  张  三  李  四  王五六", ["张三", "李四", "王五六"], []),
    ("中共中央统战部", ["中共中央统战部"], []),
    ("本报记者  汪思源摄", [], ["汪思源"]),
    ("", [], []),
]


@pytest.mark.parametrize("text,bylines,photographers", AUTHORS, ids=[a[0] or "empty" for a in AUTHORS])
def test_authors_field(text, bylines, photographers):
    credit = parse_authors(text)
    assert list(credit.bylines) == bylines
    assert list(credit.photographers) == photographers


def test_similar_names_stay_distinct():
    assert parse_credit("(张伟)").bylines != parse_credit("(章伟)").bylines


@pytest.mark.parametrize("line,expected", [
    ("本版责编：许  诺  赵  政  赵川博", True),
    ("版式设计：张三", True),
    ("本期统筹：李四  王五", True),
    ("责任编辑 : 王五", True),
    ("美编：赵六  校对：孙七", True),
    ("本版责编 郭雪岩  许  诺", True),  # no colon, the page's roles before the names
    ("(崔欣润)", False),
    ("编辑部的故事在今天上演。", False),
])
def test_editor_credit_lines(line, expected):
    assert is_editor_credit(line) is expected


@pytest.mark.parametrize("printed, name", [
    ("(莽九晨)", "莽九晨"), ("(傅  彤)", "傅彤"), ("(萧  然)", "萧然"), ("(禤永明)", "禤永明"),
    ("(逄  博)", "逄博"), ("(赖智慧)", "赖智慧"), ("(阎  旭)", "阎旭"),
])
def test_rarer_surnames_sign_a_story(printed, name):
    assert parse_credit(printed).bylines == (name,)


@pytest.mark.parametrize("printed", ["(经济)", "(东部)", "(鄂州)", "(红色)", "(操作)"])
def test_a_bracketed_word_is_not_a_surname(printed):
    assert parse_credit(printed) is None


def test_a_padded_name_signing_wen_wrote_the_text():
    assert parse_credit("廖  沅文", bare=True).bylines == ("廖沅",)
    assert parse_credit("人文", bare=True) is None


# a line of names with no role word, read only where the layout expects an author -> bylines
BARE = [
    ("王强", ["王强"]), ("欧阳晓明", ["欧阳晓明"]), ("王强  李明", ["王强", "李明"]), ("王强 李明", ["王强", "李明"]),
    ("王强  李明  赵小红", ["王强", "李明", "赵小红"]), ("王  强", ["王强"]), ("王  强  李  明", ["王强", "李明"]),
    ("阿依古丽·买买提", ["阿依古丽·买买提"]), ("约翰·史密斯", ["约翰·史密斯"]),
    ("江苏省无锡市梁溪区人民法院  王强", ["王强"]), ("南京大学教授  李明", ["李明"]),
    ("无锡市第一人民医院  王  强  李明", ["王强", "李明"]), ("王  强  李  明文", ["王强", "李明"]),
]


@pytest.mark.parametrize("text,bylines", BARE, ids=[b[0] for b in BARE])
def test_names_printed_alone(text, bylines):
    credit = parse_credit(text, bare=True)
    assert credit is not None and credit.text == text and credit.doubt is None
    assert list(credit.bylines) == bylines and credit.photographers == ()
    assert parse_credit(text) is None  # alone on a line anywhere, it could be a heading


@pytest.mark.parametrize("text", ["关注", "江南", "文明", "王强  江南", "春风十里", "南京大学教授  布点", "南京大学  欢迎你", "无锡市  江南"])
def test_common_words_and_headings_are_not_names(text):
    assert parse_credit(text, bare=True) is None


def test_a_name_that_is_also_a_word_carries_a_doubt():
    assert "“高峰”" in parse_credit("高峰", bare=True).doubt
    assert parse_credit("高  峰", bare=True).doubt is None  # papers pad names, never words
    assert parse_credit("记者 高峰").doubt is None  # a role word says it is a name


@pytest.mark.parametrize("text,bylines,photographers", [
    ("文/图:王强", ["王强"], ["王强"]), ("文：王强  图：李明", ["王强"], ["李明"]), ("王强摄(新华社)", [], ["王强"]),
    ("王强 文 李明 摄", ["王强"], ["李明"]), ("本报驻东京记者 王强", ["王强"], []),
])
def test_more_printed_credits(text, bylines, photographers):
    credit = parse_credit(text)
    assert (list(credit.bylines), list(credit.photographers)) == (bylines, photographers)


@pytest.mark.parametrize("paragraph,prefix,bylines", [
    ("新华社北京6月2日电（王强 李明）近日,会议召开。", "新华社北京6月2日电（王强 李明）", ["王强", "李明"]),
    ("本报讯(王  强)近日,会议召开。", "本报讯(王  强)", ["王强"]),
    ("本报讯（上海）近日,会议召开。", "本报讯", []),  # a place in the brackets names nobody
])
def test_dateline_brackets_with_names_only(paragraph, prefix, bylines):
    credit = lead_credit(paragraph)
    assert (credit.text, list(credit.bylines)) == (prefix, bylines)


@pytest.mark.parametrize("text,bylines", [
    ("本期主讲人：某某研究所所长  周小平", ["周小平"]),
    ("主讲人：某县某村107岁老人  王大春", ["王大春"]),
    ("全国政协委员  程小珍", ["程小珍"]),
    ("四川省绵阳市 潘尔顺", ["潘尔顺"]),  # a PDF's text keeps one space of the two printed
    ("（巴西）若昂·坎迪多·波尔蒂纳里", ["若昂·坎迪多·波尔蒂纳里"]),
    ("艾力·买买提明", ["艾力·买买提明"]),
    ("于  文", ["于文"]),
    ("沈  丘文", ["沈丘"]),  # a padded name is a name, though 沈丘 is a county too
    ("苏拉布·古普塔文", ["苏拉布·古普塔"]),
    ("苏丹·哈利文", ["苏丹·哈利"]),  # a name that is also a country's, run into 文
    ("崔妍文", ["崔妍"]),  # the padding lost in a PDF's text: a two-character name and 文
    ("方  圆  刘佳华  李蕊文", ["方圆", "刘佳华", "李蕊"]),
    ("习近平", ["习近平"]),
    ("华盛顿·阿劳若", ["华盛顿·阿劳若"]),  # a foreign given name that is also a place's
])
def test_more_names_printed_alone(text, bylines):
    credit = parse_credit(text, bare=True)
    assert list(credit.bylines) == bylines and credit.doubt is None


@pytest.mark.parametrize("text", [
    "根脉·筑牢发展之安", "乡村·振兴", "文化·传承",  # a dotted heading is no foreign name
    "湖畔家居·实木书柜",  # nor an advert's title, of rare words though they are
    "青海玛多·黄河沿水文站",  # nor a place's heading in a roundup
    "吉林", "天山",  # a place heads a roundup's part
    "中华人民共和国主席  习近平",  # signs a decree printed inside a text
])
def test_dotted_headings_places_and_signatures_are_not_bylines(text):
    assert parse_credit(text, bare=True) is None


def test_a_reporter_who_learnt_something_is_text_not_a_byline():
    # "记者从…获悉" opens the text: only "记者王强" runs a role into a name
    lead = lead_credit("本报北京7月23日电  记者从国家中医药管理局获悉：经国务院批复同意，两部门日前联合印发规划")
    assert lead is not None and lead.bylines == () and lead.text == "本报北京7月23日电"


def test_a_column_word_led_by_a_surname_is_nobodys_name():
    assert parse_credit("简讯", bare=True) is None
    assert parse_credit("快评", bare=True) is None
