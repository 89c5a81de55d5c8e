"""Page furniture for the broad page simulator: lines that belong to no story.

Everything here is made-up text written for the simulator (no paper's text):
editor and designer lines, mailbox and call-for-submissions notices, media
partners, and multi-line adverts with prices and a disclaimer, printed the way
Chinese papers print them. Each function returns (raw lines, shape tag).
"""
from __future__ import annotations

import random

EDITORS = ["许  诺", "赵川博", "吕  莉", "祁嘉润", "郭雪岩", "韩春瑶", "陈  震", "周  輖"]
DESIGNERS = ["张  三", "沈亦伶", "蔡华伟", "汪哲平"]
PRODUCTS = [("阳光家居博览会", "门票"), ("金秋惠民车展", "订金"), ("老字号月饼礼盒", "礼盒"),
            ("湖畔花园二期", "均价"), ("暑期游泳培训班", "学费")]
ROADS = ["湖滨路", "人民路", "解放路", "运河东路"]


def editor(rng: random.Random) -> tuple[list[str], str]:
    names = "  ".join(rng.sample(EDITORS, rng.choice([1, 2, 3])))
    sep = rng.choice(["：", " ", "　"])
    return [f"本版责编{sep}{names}"], "furniture:editor"


def designer(rng: random.Random) -> tuple[list[str], str]:
    return [rng.choice(["版式设计：", "版式设计　", "美编："]) + rng.choice(DESIGNERS)], "furniture:designer"


def mailbox(rng: random.Random) -> tuple[list[str], str]:
    box = rng.choice(["民生热线", "读者之声", "百姓话题"])
    lines = [f"读者来信请寄：本报{box}信箱（邮编214000）",
             f"本版邮箱：{rng.choice(['minsheng', 'duzhe', 'fukan'])}@example.cn"]
    return lines[: rng.choice([1, 2])], "furniture:mailbox"


def call_for_submissions(rng: random.Random) -> tuple[list[str], str]:
    column = rng.choice(["“我与运河”", "“身边的好人”", "“家乡的味道”"])
    return [
        "征稿启事",
        f"本版{column}栏目长期征集稿件，欢迎广大读者踊跃投稿。来稿请注明真实姓名、通讯地址和联系电话，字数一般不超过1500字。",
        f"投稿邮箱：tougao{rng.randrange(10, 99)}@example.cn",
    ], "furniture:call-for-submissions"


def media_partner(rng: random.Random) -> tuple[list[str], str]:
    who = rng.choice(["城市之声广播", "湖滨电视台", "运河融媒体中心"])
    return [rng.choice(["媒体支持：", "战略合作媒体：", "合作媒体  "]) + who], "furniture:media-partner"


def advert(rng: random.Random) -> tuple[list[str], str]:
    name, unit = rng.choice(PRODUCTS)
    price = rng.randrange(9, 400) * 10
    lines = (["广告"] if rng.random() < 0.4 else []) + [name, rng.choice(["品质生活  从家开始", "全城热卖  限时优惠", "名额有限  欢迎垂询"])]
    lines.append(f"{unit}原价{price + 200}元  限时特惠{price}元")
    if rng.random() < 0.6:
        lines.append(f"地址：{rng.choice(['滨湖区', '梁溪区', '新吴区'])}{rng.choice(ROADS)}{rng.randrange(1, 300)}号")
    lines.append(rng.choice([f"咨询热线：0510-8{rng.randrange(10**6, 10**7)}", f"订购电话：139{rng.randrange(10**7, 10**8)}"]))
    lines.append(rng.choice(["本广告内容仅供参考，以实物为准", "活动最终解释权归主办方所有", "图片仅供参考  请以实物为准"]))
    return lines, "furniture:advert"


BETWEEN = (advert, mailbox, call_for_submissions, media_partner)  # may stand between stories
FOOT = (editor, designer)  # printed at the page's foot
