"""Group complaint: at least five complainants on one issue, or at least fifty people affected.

Read from a stated number of people ("我们小区四十多户业主", "十几个工友", "二三十个老人", "受影响的
客户有好几百个", "there are 8 of us"): a numeral with a measure word or a word for people, and a
sign that those people are the complainants or the affected ("我们", "大家", "一共", "都", "一起",
"联名", "受影响"). Not a group: four family members, a queue of thirty, a company of six, five
heirs asked to attend, "几十个收款人", or a number of months, yuan or times.
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.understanding.flags.numbers import NUMERAL, value
from complaints.domain.vocabulary import Flag

COMPLAINANTS = 5
AFFECTED = 50

_PEOPLE = (
    r"人家|人|员工|工人|工友|职工|老职工|老同志|同志|老人|老年人|业主|村民|居民|户主|商户|摊主|商家|投资人|投资者|"
    r"客户|储户|同事|同学|学生|学员|家长|老师|护士|医生|会员企业|企业|家庭|农户|骑手|司机|师傅|老乡|病人|患者|"
    r"会员|车主|租户|兄弟|姐妹|战友|店主|老板|家|户"
)
# Nouns that end in 人 or follow a measure word but are not complainants.
_NOT_PEOPLE = re.compile(
    r"^(?:收款人|联系人|负责人|经办人|担保人|法人|继承人|理事|月|年|天|次|小时|钟头|工作日|礼拜|星期|笔|张|份|"
    r"万|块|元|岁|点|号|窗口|网点|产品|账户|卡)"
)
_COUNT = re.compile(rf"(?P<n>{NUMERAL})(?:个|名|位|户|家|口)?(?P<who>{_PEOPLE})|(?P<m>{NUMERAL})(?:个|名|位)")
_COUNT_AFTER = re.compile(
    rf"(?:客户|人|业主|老人|员工|用户|储户)(?:有|达|共|一共|超过)(?P<n>{NUMERAL})(?:个|名|位|人|多)"
)
_TOGETHER = re.compile(
    r"我们|咱们|大家|一共|全部|全都|都|一起|联名|集体|代表|家家|每个人|每一个人|整个|全村|全小区|光我知道|"
    r"所有人|受影响|受害|都是|we |our |of us"
)
# The count is a queue, a company's size, people required to attend, or the crowd of a threat.
_NOT_COMPLAINANTS = re.compile(
    r"排队|排了|前面|等号|带上?|叫上|找了?|手下|兄弟姐妹|到场|的小公司|人的公司|公司有|规模|收款人|"
    r"继承人|理事|雇了|招了"
)
_ENGLISH = re.compile(
    r"(?:there are|there were)\s+(?P<a>\d+|[a-z]+)\s+of us|(?P<b>\d+|[a-z]+)\s+of us"
    r"|(?P<c>\d+|[a-z]+)\s+(?:of our )?(?:customers|households|residents|people|employees|families|staff|"
    r"workers|"
    r"neighbours|neighbors|members|owners|villagers|colleagues)"
)
_ENGLISH_NUMBERS = {
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "hundreds": 200,
    "dozens": 24, "dozen": 12,
}  # fmt: skip


def _counted(sentence: str) -> list[tuple[int, str, int]]:
    """(count, words, position) of every count of people in the sentence."""
    found: list[tuple[int, str, int]] = []
    for match in _COUNT.finditer(sentence):
        count = value(match.group("n") or match.group("m"))
        after = sentence[match.end() - len(match.group("who") or "") :]
        if count is None or _NOT_PEOPLE.match(after) or _NOT_PEOPLE.match(sentence[match.end() :]):
            continue
        if match.group("m") is not None and not re.match(rf"(?:的)?(?:{_PEOPLE})", sentence[match.end() :]):
            continue
        found.append((count, match.group(), match.start()))
    for match in _COUNT_AFTER.finditer(sentence):
        count = value(match.group("n"))
        if count is not None:
            found.append((count, match.group(), match.start()))
    for match in _ENGLISH.finditer(sentence):
        word = match.group("a") or match.group("b") or match.group("c") or ""
        count = int(word) if word.isdigit() else _ENGLISH_NUMBERS.get(word, 0)
        found.append((count, match.group().strip(), match.start()))
    return found


def detect(document: Document) -> Detection | None:
    for sentence in sentences(document.text):
        for count, words, position in _counted(sentence):
            if count < COMPLAINANTS:
                continue
            around = sentence[max(position - 8, 0) : position + len(words) + 6]
            if _NOT_COMPLAINANTS.search(around):
                continue
            together = _TOGETHER.search(sentence)
            if together or count >= AFFECTED:
                return Detection(Flag.GROUP, (words, together.group().strip()) if together else (words,))
    return None
