"""VIP customer, from the text: the complainant (or the agent typing) says they are a private-
banking, diamond, gold-card or VIP customer ("我是你们私行客户", "本人金卡客户", "I am a private
banking client"). "我不是什么VIP" and "不算私行客户" say the opposite.
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.vocabulary import Flag

_TIER = (
    r"私人银行|私行|钻石卡|钻石级|钻石|金卡|白金卡|黑金卡|无限卡|贵宾|vip|大客户|高端客户|财富客户|"
    r"private banking"
)
_CLAIM = re.compile(
    rf"(?:我是|本人是?|我们是|客户称其?为?|客户系|我也是|我属于|我作为)(?:你们|贵行|我行|本行)?(?:行)?(?:的)?(?:老)?"
    rf".{{0,4}}?(?:{_TIER})(?:的)?(?:客户|会员|用户|持卡人)?"
    rf"|(?:{_TIER})客户(?:,|,)?我|是(?:你们|贵行)?的?(?:{_TIER})(?:客户|持卡人)|(?:一直是|算得上是?|作为)(?:{_TIER})"
    rf"|存了?[0-9一二两三四五六七八九十百千]+(?:多)?万.{{0,8}}(?:私行|贵宾|vip|大客户|钻石)"
    rf"|i am an? (?:private banking|vip|premier|diamond|gold) (?:client|customer|member)|(?:diamond|gold|"
    rf"vip|premier)-tier"
    rf"|as an? (?:private banking|vip|premier) (?:client|customer)"
)
_DENIED = re.compile(
    rf"不是(?:什么|你们的?)?(?:{_TIER})|不算(?:{_TIER})|又不是|虽然不是|not an? (?:vip|private)"
)


def detect(document: Document) -> Detection | None:
    for sentence in sentences(document.text):
        found = _CLAIM.search(sentence)
        if found and not _DENIED.search(sentence):
            return Detection(Flag.VIP, (found.group(),))
    return None
