"""Made-up page furniture: adverts, editor and designer lines, mailbox and call-for-submissions lines.

None of this is corpus text; it goes to the page's leftovers (gold `unassigned`).
"""
from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞波宁婷雪琳晨欣怡浩宇佳轩博文思雨晓峰"
PRODUCTS = (
    ("锡惠山泉", "天然饮用水", "家庭装18.9升", "桶"),
    ("太湖鲜", "清水大闸蟹礼券", "公蟹4.0两 母蟹3.0两 8只装", "套"),
    ("惠山泥人", "非遗文创礼盒", "大阿福摆件 手绘款", "盒"),
    ("梁溪家居", "实木餐桌椅", "一桌六椅 北美白橡木", "套"),
    ("江南印象", "周末双人游", "古镇民宿一晚 含早餐及游船", "份"),
)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def staff(rng: random.Random, n: int) -> str:
    return "  ".join(person(rng) for _ in range(n))


def advert(rng: random.Random) -> list[str]:
    """A multi-line advert with a price, a phone number and a disclaimer."""
    brand, item, spec, unit = rng.choice(PRODUCTS)
    price = rng.choice((38, 68, 128, 199, 268, 399, 1280))
    phone = f"0510-{rng.randint(80000000, 89999999)}"
    lines = [
        f"{brand}·{item}",
        f"{spec}  原价{price + rng.choice((20, 40, 100))}元  现价{price}元/{unit}",
        f"即日起至{rng.randint(7, 12)}月{rng.randint(1, 28)}日，凭本报广告到店再享九五折",
        f"订购热线：{phone}  地址：无锡市梁溪区{rng.choice('中人学解放清扬')}山路{rng.randint(1, 300)}号",
        "以上价格仅供参考，以门店实际销售为准。本广告内容由广告主提供，最终解释权归广告主所有。",
    ]
    return lines[: rng.choice((4, 5))] if rng.random() < 0.3 else lines


def editor_lines(rng: random.Random) -> list[str]:
    return [f"责任编辑：{staff(rng, rng.choice((1, 2)))}"]


def extra_lines(rng: random.Random) -> list[tuple[str, str]]:
    """Small furniture lines and their shape tags."""
    pool = [
        (f"版式设计：{person(rng)}", "furniture:designer"),
        (f"本版邮箱：news{rng.randint(10, 99)}@wxnews.example.cn", "furniture:mailbox"),
        ("欢迎投稿：本版常年征集身边新闻线索与读者来信，来稿请注明真实姓名和联系方式。", "furniture:call-for-submissions"),
        (f"媒体合作：{rng.choice(('无锡广电', '江南晚报', '太湖之声'))}", "furniture:media-partner"),
    ]
    rng.shuffle(pool)
    return pool[: rng.randint(1, 3)]
