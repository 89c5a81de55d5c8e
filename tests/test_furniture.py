"""Page furniture (adverts with prices, mailbox, call for submissions, designer, media partner)
goes to the page file's leftovers or editor credits, never into a story; stories that only
mention such things stay whole. All text is made up."""
from __future__ import annotations

from wxnews_site.importer.furniture import CALL, MAILBOX, PARTNER
from wxnews_site.importer.layout import accounted, reconstruct

STORY_A = ["运河边新建三座口袋公园", "本报讯 运河沿岸新建的三座口袋公园近日向市民开放，园内设置了健身步道。(王伟)"]
STORY_B = ["城市书房开放", "本报讯 城市书房今天开放，市民可以免费借阅图书，每天开放到晚上九点。(李娜)"]


def read(*middle: str):
    lines = [*STORY_A, *middle, *STORY_B]
    draft = reconstruct(lines, "p.txt")
    assert accounted(lines, draft) == ({}, {})
    assert [s.title for s in draft.stories] == [STORY_A[0], STORY_B[0]]
    texts = [p for s in draft.stories for p in s.paragraphs]
    assert texts == [STORY_A[1].removesuffix("(王伟)"), STORY_B[1].removesuffix("(李娜)")]
    return draft


def left(draft) -> list[tuple[int, str]]:
    return [(lo.line, lo.reason) for lo in draft.leftovers]


def test_an_advert_with_prices_and_a_disclaimer_is_left_over():
    draft = read("广告", "湖畔花园精装小户型", "原价398元  现价198元", "以上信息仅供参考", "咨询热线：0510-85556666")
    assert left(draft) == [(n, "advert") for n in range(3, 8)]


def test_an_advert_signed_by_its_sponsor_line_is_left_over():
    draft = read("老字号月饼礼盒", "团购价：￥168元/盒", "本广告由某某食品公司提供")
    assert left(draft) == [(n, "advert") for n in (3, 4, 5)]


def test_mailbox_and_news_hotline_lines_are_left_over():
    draft = read("读者来信请寄：无锡市人民路1号报社读者来信信箱", "新闻热线：0510-81234567")
    assert left(draft) == [(3, MAILBOX), (4, MAILBOX)]


def test_a_call_for_submissions_is_left_over_from_heading_to_address():
    draft = read("征稿启事", "本版面向读者征集反映身边变化的散文、随笔，字数一千五百字以内。",
                 "来稿请注明真实姓名和联系方式。", "投稿邮箱：gaojian@example.com")
    assert left(draft) == [(n, CALL) for n in (3, 4, 5, 6)]


def test_an_address_for_submissions_without_a_heading_is_left_over():
    draft = read("来稿请注明作者姓名、单位和联系电话", "投稿邮箱：wenyi@example.cn")
    assert left(draft) == [(3, CALL), (4, CALL)]


def test_designer_and_proofreader_lines_are_editor_credits():
    draft = read("版式设计：王强", "美编：李明  校对：张华", "一审：赵刚  二审：钱伟  三审：孙丽")
    assert draft.credits == ("版式设计：王强", "美编：李明  校对：张华", "一审：赵刚  二审：钱伟  三审：孙丽")
    assert not draft.leftovers


def test_media_partner_and_co_organiser_lines_are_left_over():
    draft = read("媒体合作伙伴：某某网  某某客户端", "本版与市文联联合主办", "媒体合作:太湖之声")
    assert left(draft) == [(3, PARTNER), (4, PARTNER), (5, PARTNER)]


# --------------------------------------------------------- false positives

def story_whole(*paragraphs: str) -> None:
    lines = ["社区图书角受欢迎", *paragraphs]
    draft = reconstruct(lines, "p.txt")
    assert accounted(lines, draft) == ({}, {})
    assert not draft.leftovers and not draft.credits
    (story,) = draft.stories
    assert story.paragraphs == tuple(paragraphs)


def test_a_story_mentioning_submissions_and_a_phone_number_stays_whole():
    story_whole("本报讯 社区图书角开放半年来，不少居民向本报投稿，讲述在这里读书的故事。",
                "居民如有好书愿意分享，可拨打社区电话0510-82345678联系，也可发邮件至shequ@example.com。",
                "负责人说，征稿启事贴出后，一周就收到了三十多篇来稿，来稿请注明姓名的要求也得到了遵守。")


def test_a_story_quoting_prices_and_a_hotline_in_sentences_stays_whole():
    story_whole("本报讯 商场推出以旧换新活动，一台冰箱原价3980元，现价2980元，居民反映实惠。",
                "市消费者协会提醒，以上信息仅供参考的说法不能免除商家的责任，投诉热线是12315。")


def test_a_story_about_a_media_partnership_stays_whole():
    story_whole("本报讯 本报与市图书馆联合主办的读书节昨天开幕，媒体合作伙伴包括多家网站。",
                "主办方表示，读书节将持续一个月。")


def test_an_official_notice_keeps_its_contact_lines_out_of_the_furniture():
    # a 公示 ends with where to write: its own text, not the paper's mailbox or an advert
    # (the layout does not yet attach such short lines to the text above; that is no furniture rule's doing)
    lines = ["关于某某人选的公示", "本报讯 如对公示对象有异议，请于公示期内通过信函或电子邮件反映，并提供联系电话。",
             "电话：010-12380", "通信地址：某某市某某路1号", "邮政编码：100000"]
    draft = reconstruct(lines, "p.txt")
    assert not {lo.reason for lo in draft.leftovers} & {"advert", MAILBOX, CALL, PARTNER}


def test_a_columns_address_for_submissions_is_left_over():
    draft = read("欢迎广大读者来稿。来稿要求为原创首发。", "栏目投稿邮箱：lanmu@example.cn")
    assert left(draft) == [(3, CALL), (4, CALL)]
