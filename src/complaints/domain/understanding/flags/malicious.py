"""Malicious complaint: extortion, a demand out of all proportion, a threat of disruption or harm.

A lawful step is never malicious: complaining to the regulator (12378, 12363, 金融监管局), suing,
going to the press. Those words are simply not evidence here (media has its own detector). A
threat reported by the complainant ("催收员威胁我说要拉横幅") is the collector's, not theirs, so
quoted speech and what collectors are said to have said are left out.
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences, without_quotes
from complaints.domain.understanding.flags.numbers import NUMERAL, value
from complaints.domain.vocabulary import Flag

# Harm or disruption aimed at the bank, its staff or its premises ...
_HARM = re.compile(
    r"拉横幅|拉条幅|举(?:着)?牌子|堵(?:在|着|了)?(?:你们|网点|门|营业厅|大门|银行|.{0,6}门口)|门堵了|堵门|"
    r"(?:来|去|到)(?:你们)?(?:行里|网点|营业厅|银行|大厅)?闹|闹到|去喊|天天来(?!电话|短信|催)|天天去(?!看)|"
    r"天天带人|带(?:几个|一帮|一群|[0-9一二两三四五六七八九十几]+个)?(?:人|兄弟)|找(?:几个|一帮|一群)?人(?:天天|把|来|去)|"
    r"一帮人|让你们(?:好看|开不了门|开不了张|做不成|一天都办不成|办不成|一个客户都|营业不了|关门|没法营业)|"
    r"有你们好看|没法营业|开不了张|谁(?:也|都)别想|别想好过|不得安生|待不下去|丢工作|泼|油漆|汽油|砖头|"
    r"同归于尽|弄死|砍(?:死|人)|放火|炸了|烧了|砸了|砸烂|砸掉|搞瘫痪|占满|打爆|骂到你们|跪下|小心点|"
    r"走着瞧|后果自负|说到做到|让(?:他|你们|你|她)也尝尝|(?:家住哪|孩子在哪|员工的电话|住址).{0,10}(?:发到|挂|公开)|"
    r"行长家|家门口|跟到哪|人肉|从早坐到晚|躺着不走|坐着.{0,10}(?:办不成|别想办)|"
    r"make (?:you|sure)|nobody gets in|block (?:your|the) (?:door|entrance|branch)|you will regret|"
    r"(?:with|bring) (?:a dozen|some|my) (?:friends|men|guys)"
)
# ... said as the complainant's own threat (a condition, an intent), not a collector's words.
_THREATENED = re.compile(
    r"就|我会|我要|不然|否则|要是|如果|再不|明天|天天|每天|说到做到|不信|看你们|让你们|别以为|"
    r"if |or else|i will"
)
_SOMEONE_ELSE = re.compile(r"催收|外包|威胁我|吓唬|恐吓|对方说|他们说|扬言|他们的人")
_DEMAND = re.compile(rf"(?:赔|赔偿|补偿|给我|拿出|要求.{{0,6}}赔).{{0,6}}?(?P<n>{NUMERAL})(?:块|元|万)?")
_AMOUNT = re.compile(rf"(?P<n>{NUMERAL})(?:块钱|块|元|万元|万块)")
_INSISTENCE = re.compile(r"少一分|一分都?不能少|一分也不能少|不给的话|不赔的话|不然|否则|必须")
_DENIED_BEFORE = re.compile(r"(?:不是|没有?|不会|并非|不想|不是要)[^,。]{0,8}$")
# A demand this many times the largest other amount named, and at least this much, is out of all
# proportion; with no other amount named, only a demand of at least the second figure is.
DISPROPORTION = 20
LEAST_EXTORTION = 10_000
LEAST_WITHOUT_LOSS = 500_000


def _amount(numeral: str, unit: str) -> int | None:
    parsed = value(numeral)
    if parsed is None:
        return None
    return parsed * 10_000 if unit.startswith("万") and not numeral.endswith("万") else parsed


def detect(document: Document) -> Detection | None:
    text = without_quotes(document.text)
    for sentence in sentences(text):
        if not _THREATENED.search(sentence) or _SOMEONE_ELSE.search(sentence):
            continue
        for threat in _HARM.finditer(sentence):
            if not _DENIED_BEFORE.search(sentence[: threat.start()]):
                return Detection(Flag.MALICIOUS, (threat.group(),))
    amounts: list[tuple[int, int]] = []  # (start of the numeral, amount)
    for match in _AMOUNT.finditer(text):
        amount = _amount(match.group("n"), match.group()[len(match.group("n")) :])
        if amount is not None:
            amounts.append((match.start("n"), amount))
    if not _INSISTENCE.search(text):
        return None
    for match in _DEMAND.finditer(text):
        demanded = _amount(match.group("n"), text[match.end("n") : match.end("n") + 2])
        if demanded is None or demanded < LEAST_EXTORTION:
            continue
        others = [amount for start, amount in amounts if start != match.start("n")]
        if others and demanded >= DISPROPORTION * max(others):
            return Detection(Flag.MALICIOUS, (match.group(), f"against {max(others)}"))
        if not others and demanded >= LEAST_WITHOUT_LOSS:
            return Detection(Flag.MALICIOUS, (match.group(),))
    return None
