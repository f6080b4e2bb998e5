"""Numbers as complaints write them: 37, 三十七, 十几, 二三十, 上百, 几十, 五六, 1.2万, 两百万."""

import re

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10_000, "亿": 100_000_000}

# A numeral, with the approximate forms: a prefix (上百, 近百, 数十, 好几十) and a suffix (三十多).
NUMERAL = (
    r"(?:上|近|数|好|大约|约|将近)?(?:[0-9]+(?:\.[0-9]+)?|[零一二两三四五六七八九十百千万亿几]+)(?:多|来|余)?"
)
_NUMERAL = re.compile(NUMERAL)


def _chinese(text: str) -> int | None:
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        elif char in _LARGE:
            section += digit or 0
            total += (section or 1) * _LARGE[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def value(numeral: str) -> int | None:
    """The least the numeral can mean (二三十 → 20, 十几 → 10, 几十 → 20, 上百 → 100), or None."""
    text = numeral
    for prefix in ("大约", "将近", "约", "上", "近", "数", "好"):
        if text.startswith(prefix) and len(text) > len(prefix):
            approximate = prefix in ("上", "近", "数")
            text = text[len(prefix) :]
            if approximate and text in ("十", "百", "千", "万"):
                return (2 if prefix == "数" else 1) * {"十": 10, "百": 100, "千": 1000, "万": 10_000}[text]
            break
    text = text.rstrip("多来余")
    if not text:
        return None
    multiplier = 1
    if text[-1] in _LARGE and len(text) > 1 and text[:-1].replace(".", "").isdigit():
        multiplier = _LARGE[text[-1]]
        text = text[:-1]
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return int(float(text) * multiplier)
    # 几 before a unit is at least two of it (几十 → 20); after one it adds nothing (十几 → 10); alone, 3.
    text = re.sub(r"几(?=[十百千万])", "二", text)
    text = text.replace("几", "" if len(text) > 1 else "三")
    # Two digits side by side are a range; its lower end counts (二三十 → 二十, 五六 → 五).
    text = re.sub(r"([一二两三四五六七八九])[一二两三四五六七八九](?=[十百千万]|$)", r"\1", text)
    if not text:
        return None
    parsed = _chinese(text)
    return parsed * multiplier if parsed is not None else None


def numerals(text: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of every numeral in `text`."""
    found = []
    for match in _NUMERAL.finditer(text):
        parsed = value(match.group())
        if parsed is not None:
            found.append((match.start(), match.end(), parsed))
    return found
