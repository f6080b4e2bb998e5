"""Repeat complaint, from the text: the complainant says they raised this same issue before
("第三次打电话了", "上个月就反映过", "I reported this before"). Identity matching of earlier cases
is the service's job; this reads only the words.

Not a repeat: another matter raised before and settled ("上次是另一件事，已经好了"), a second
application or purchase ("第二次申请", "第三笔"), a first complaint ("第一次打电话来投诉"), or
"又" about the event itself ("又扣了年费").
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.vocabulary import Flag

_ORDINAL = r"第[二三四五六七八九十两几0-9]+(?:次|回)"
_RAISE = (
    r"(?:反映|投诉|打(?:电话|热线|你们|过来|来)|来电|打这个|来问|来找|找你们|写信|写邮件|"
    r"说这个事|提这个|联系你们|来说|来了|说了|问了|申诉)"
)
_CUE = re.compile(
    rf"{_ORDINAL}.{{0,6}}?{_RAISE}|{_RAISE}.{{0,4}}?{_ORDINAL}|^(?:这是)?{_ORDINAL}了|{_ORDINAL}来(?:高新|城东|城西|"
    rf"你们|网点)|"
    rf"(?:都|已经)(?:打了|来了|问了)(?:[两三四五六七八九十几]|好几)(?:回|次|趟)|打了[两三四五六七八九十几]回电话|"
    rf"不止一次|不下[两三四五]次|又是我|还是那个问题|还是那件事|"
    rf"asked .{{0,20}}(?:three|four|five|several) times|"
    rf"(?:called|asked|written|emailed) (?:you )?(?:three|four|five|several|many) times|"
    rf"(?:上个月|上周|上礼拜|上个礼拜|上星期|上个星期|上次|上回|之前|以前|前几天|前天|昨天|前阵子|前段时间|"
    rf"早就|已经)(?:我)?(?:就|也)?(?:已经)?"
    rf"(?:在.{{0,8}})?(?:打过|反映过|投诉过|来过|说过|问过|提过|找过|联系过|报过|申请过处理)(?:.{{0,4}}(?:电话|一次|两次|几次|好几次))?|"
    rf"(?:已经|曾经?)(?:向你们|跟你们|给你们)?(?:反映|投诉)过|"
    rf"(?:多次|反复|一再|屡次|好几次|几次三番)(?:来)?(?:反映|投诉|打电话|来电|找|联系)|"
    rf"前[两三几四]次(?:都|你们)|说几遍|说了多少遍|说了几遍|又来(?:反映|投诉|问)|再打一遍|再次(?:反映|投诉|来电)|"
    rf"(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:time|email|letter|call)|"
    rf"第[0-9一二三四五六七八九十]+次complain|"
    rf"(?:reported|complained|raised|called about) (?:this|it) (?:before|already|twice)|"
    rf"already (?:complained|reported|called)|again and again"
)
_ANOTHER_MATTER = re.compile(
    r"另一件|另一码事|另外一件|不一样|不同的事|已经了结|处理得(?:还可以|挺好|很好)|第一次|想起来|好不容易|"
    r"次申请|嘀咕|翻白眼|不耐烦|他说|她说|柜员说|解决了|处理好了|办好了|已经好了"
)


# How far around the cue a sign of another or settled matter counts.
_NEAR = 14


def detect(document: Document) -> Detection | None:
    for sentence in sentences(document.text):
        for found in _CUE.finditer(sentence):
            around = sentence[max(found.start() - _NEAR, 0) : found.end() + _NEAR]
            if not _ANOTHER_MATTER.search(around):
                return Detection(Flag.REPEAT, (found.group(),))
    return None
