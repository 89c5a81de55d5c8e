"""Page furniture a paper prints around its stories, told by printing conventions.

Besides the date and page number (blocks.FURNITURE_RE) and editor lines
(bylines.is_editor_credit), a page carries the paper's own notices: the
readers' mailbox and news hotline, a call for submissions (征稿启事) ending in
an e-mail address, the media partner or co-organiser of a page, the staff
who laid it out, and adverts with prices and disclaimers. None belongs to a
story. Each rule keys on the words such notices are printed with plus a
contact (phone number, e-mail, 信箱) or on a whole line of its own; a story
that mentions 投稿 or gives a phone number inside a sentence never matches,
as every rule wants a line that is the notice and nothing else.

Only line rules live here (blocks.page_furniture groups lines into notices),
so that blocks can use them without importing anything above itself.
"""
from __future__ import annotations

import re

# Mainland phone numbers: 0510-82345678, 13912345678, 400-123-4567.
PHONE_RE = re.compile(r"(?<!\d)(?:0\d{2,3}[-－—\s]?\d{7,8}|1[3-9]\d{9}|400[-－]?\d{3}[-－]?\d{4})(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+\s*(?:@|＠)\s*[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
NOTICE_LINE_MAX = 80  # a notice's line; a longer one is a paragraph of text

# Reasons written into the page file's leftovers, for the editor who reads them.
MAILBOX = "readers' mailbox or news hotline (读者来信、新闻热线)"
CALL = "call for submissions (征稿启事)"
PARTNER = "media partner or co-organiser line (合作媒体、联合主办)"

# The paper's own contact lines: to the newsroom, never to an advertiser or a story's organiser.
MAILBOX_RE = re.compile(
    r"^(?:读者来信|来信|读者来函)(?:请寄|请寄至|寄|地址|邮箱|请发)?[:：]?"
    r"|^(?:新闻|报料|爆料|读者|读者服务|采访|值班|投诉|订报|发行|广告)(?:热线|专线|电话|邮箱|信箱|微信|QQ)[:：]"
    r"|^[^，,。；;]{2,30}(?:读者来信|读者|报社|编辑部|报料)信箱$")
# The heading of a call for submissions, on a line of its own.
CALL_HEADING_RE = re.compile(r"^[【\[（(]?(?:征稿|约稿|征文|投稿)(?:启事|启示|通知|须知|说明)?[】\]）)]?$")
# Where to send them: "投稿邮箱：abc@…", "来稿请寄：…".
# (a column's or a topic's: "栏目投稿邮箱：…", "选题线索来信邮箱：…")
CALL_CONTACT_RE = re.compile(
    r"^[^，,。；;:：\s]{0,6}(?:投稿|来稿|征稿|稿件|线索来信)(?:邮箱|信箱|地址|方式|电话|热线|请寄|请发|请发送至|请投|请投至|请寄至)[:：\s]")
# The lines of a call between heading and address: "来稿请注明…", "稿件一经采用…".
CALL_TERMS_RE = re.compile(r"^(?:来稿|投稿|稿件|稿酬|稿费|欢迎[^，,。]{0,8}(?:投稿|来稿|赐稿))")
PARTNER_RE = re.compile(
    r"^(?:媒体合作伙伴|媒体合作|合作媒体|支持媒体|协办媒体|战略合作(?:伙伴|媒体)|合作伙伴|主办单位|承办单位|协办单位|支持单位|指导单位"
    r"|联合主办|联合出品|特别支持|媒体支持|支持媒体|战略支持)(?:[:：]|\s{1,4}(?=\S))"
    r"|^(?:本版|本栏目|本栏|本专版|本专刊|本刊|本期)(?:由|与|系)[^。，,；;]{2,40}"
    r"(?:联合主办|共同主办|合办|联办|协办|联合推出|合作推出|联合出品|联合制作|提供支持)$")
# Staff lines bylines.EDITOR_CREDIT_RE does not list: the 三审三校 sign-offs.
STAFF_RE = re.compile(r"^(?:本版)?(?:[一二三]审|终审|审核|审校|排版|照排|责任校对|文字校对)\s*[:：]\s*\S")
# What only an advert prints on a line: a price with its label, a disclaimer.
PRICE_RE = re.compile(
    r"^(?:\S{0,12}\s+)?(?:原价|现价|特价|售价|仅售|优惠价|团购价|市场价|会员价|限时价|惊爆价|抢购价|价格)[:：]?\s*[¥￥]?\s*\d"
    r"|^[¥￥]\s*\d")
DISCLAIMER_RE = re.compile(
    r"^(?:本广告|本则广告|此广告|广告内容)"
    r"|^以上(?:信息|内容|价格|优惠|图片|资料)[^。]{0,12}(?:仅供参考|为准)"
    r"|^(?:图片|价格|信息)仅供参考"
    r"|^(?:本次活动|本活动|活动)?(?:最终)?解释权归"
    r"|^(?:投资|理财|市场)有风险"
    r"|^广告(?:经营许可证|审查|批准文号|发布登记)")


def _notice(text: str) -> str:
    """The line if it could be a notice line: short, not a sentence of a story."""
    t = text.strip()
    return t if 0 < len(t) <= NOTICE_LINE_MAX and not t.endswith("。") else ""


def mailbox_line(text: str) -> bool:
    return bool(MAILBOX_RE.match(_notice(text)))


def partner_line(text: str) -> bool:
    return bool(PARTNER_RE.match(_notice(text)))


def staff_line(text: str) -> bool:
    """一审：王强  二审：李明: a staff line, credited to the page like 本版责编."""
    return bool(STAFF_RE.match(_notice(text)))


def call_heading(text: str) -> bool:
    return bool(CALL_HEADING_RE.match(text.strip()))


def call_contact(text: str) -> bool:
    """'投稿邮箱：abc@example.com': where a call for submissions sends its copy."""
    t = _notice(text)
    return bool(CALL_CONTACT_RE.match(t)) and bool(EMAIL_RE.search(t) or PHONE_RE.search(t)
                                                    or re.search(r"信箱|收$|编辑部", t))


# A call printed as one labelled line: "欢迎投稿：本版常年征集身边新闻线索…" (the label and its colon
# make it a notice, however much it reads like a sentence).
CALL_LINE_RE = re.compile(r"^[【\[]?(?:欢迎投稿|欢迎来稿|欢迎赐稿|征稿|本版征稿)[】\]]?[:：]")
# What only an advert says about itself: "凭本报广告到店再享九五折".
ADVERT_CUE_RE = re.compile(r"凭(?:本报|此|本)广告|凭本报(?:到店|享|可)|本报读者专享")


def call_line(text: str) -> bool:
    t = text.strip()
    return len(t) <= 2 * NOTICE_LINE_MAX and bool(CALL_LINE_RE.match(t))


def advert_cue(text: str) -> bool:
    t = text.strip()
    return len(t) <= 2 * NOTICE_LINE_MAX and bool(ADVERT_CUE_RE.search(t))


def call_terms(text: str) -> bool:
    """A call's own line ('来稿请注明真实姓名', '稿件一经采用，稿酬从优'): read only next to a call."""
    t = text.strip()
    return len(t) <= NOTICE_LINE_MAX and bool(CALL_TERMS_RE.match(t))


# Where to reach the sender, on a line of its own: read as part of a notice only next to one.
CONTACT_RE = re.compile(r"^(?:电子)?(?:邮\s*箱|信\s*箱|[Ee]-?mail|电\s*话|联系电话|传\s*真|地\s*址|通讯地址)[:：]")


def contact_line(text: str) -> bool:
    t = _notice(text)
    return bool(CONTACT_RE.match(t)) and bool(EMAIL_RE.search(t) or PHONE_RE.search(t) or "信箱" in t or "路" in t)


def advert_price_or_disclaimer(text: str) -> bool:
    """'原价398元  现价198元', '以上信息仅供参考': what only an advert prints on a line."""
    t = _notice(text)
    if PRICE_RE.match(t):
        return not re.search(r"[，,；;]", t)  # "原价398元，现降至…" is a sentence cut at a line end
    # (a disclaimer may end as a sentence: "…最终解释权归广告主所有。")
    whole = text.strip()
    return bool(len(whole) <= NOTICE_LINE_MAX and DISCLAIMER_RE.match(whole))


__all__ = [
    "CALL", "EMAIL_RE", "MAILBOX", "PARTNER", "PHONE_RE", "advert_cue", "advert_price_or_disclaimer", "call_contact",
    "call_heading", "call_line", "call_terms", "contact_line", "mailbox_line", "partner_line", "staff_line",
]
