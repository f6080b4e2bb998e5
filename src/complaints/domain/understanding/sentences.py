"""Clauses and how much each one counts.

A complaint often names other products before its subject ("上次信用卡的事已经解决了，这次是房贷"),
or names one to deny it ("不是信用卡的问题，是房贷"). Every clause gets a weight that the lexicon
and the model multiply their evidence by: the demand and the clause that announces the subject
count more; a clause about an earlier, settled matter and the denied half of a contrast count less.
Negation inside a clause (没有被盗刷) is token-level and lives in document.py.
"""

import re
from dataclasses import dataclass

# How much a clause counts, by what it is. Cross-validation on the training corpus: these beat
# no weighting (unit accuracy 0.907 against 0.901) and milder values (0.905); passing mentions and
# denials are a minority of complaints, so the gain is small, but it is in every measure.
SETTLED = 0.1  # an earlier matter the complainant says is solved
DENIED = 0.1  # "不是 X，是 Y": the X half
AFFIRMED = 2.0  # "不是 X，是 Y": the Y half
SUBJECT = 2.0  # "这次是…", "我要投诉的是…"
DEMAND = 2.0  # the demand field, given apart from the text
DEMAND_IN_TEXT = 1.5  # "要求…", "希望…" inside the text

_SENTENCE_END = re.compile(r"[。!?;\n…]+|\.(?=\s|$)")
_CLAUSE_END = re.compile(r"[,:]")

_SETTLED = re.compile(
    r"已经?(?:解决|处理好|处理完|处理妥|办妥|办好|办完|结清|还清|退回|退还|退了|给我?退了|撤销|更正|修好|恢复|好了|了结)"
    r"|解决了|(?:处理|搞|弄)(?:好|妥|定)了|搞定了|没问题了|处理得(?:还可以|挺好|很好|不错)"
    r"|already (?:been )?(?:solved|resolved|fixed|settled|sorted|refunded|handled)"
    r"|(?:was|were|has been|have been) (?:solved|resolved|fixed|settled|sorted out|refunded|handled)"
)
_UNSETTLED = re.compile(r"(?:没|未|不|还没|没有)(?:有)?(?:解决|处理|办|弄|搞|修|改|退)|吗|\?")
_EARLIER = re.compile(
    r"上次|上回|之前|以前|去年|前年|上个月|上月|上周|上礼拜|前段时间|前些年|早先|当初|此前|那次"
    r"|last time|earlier|before|previously|last (?:month|year|week)"
)
_SUBJECT = re.compile(
    r"这次|这回|本次|今天(?:是|要|想)|现在(?:是|要|想)|主要是|问题是|关键是|我要投诉|想投诉|投诉的是"
    r"|要反映的是|反映的是|要说的是|想说的是|想问的是|我说的是|是另一件|另一件事"
    r"|this time|the (?:real )?(?:problem|issue) is|i (?:want|wish) to complain|my complaint is"
)
_DEMAND = re.compile(
    r"要求|希望|请你们|请尽快|诉求|赔偿|退还|退回|给个说法|给我一个说法|please|i (?:want|expect|demand)"
)
# The denied half of a contrast: "不是/并非/并不是 X" followed by "是/而是/只是 Y" in the next clause
# or in the same one. A rhetorical question (不是说好的免年费吗) denies nothing.
_DENIAL = re.compile(
    r"^(?:先说清楚|说明一下|我要说清楚)?[^,]{0,6}?"
    r"(?:不是|并非|并不是|并没有|不是说|it'?s not|it is not|not about)"
)
_CONTRAST_IN_CLAUSE = re.compile(r"(?:不是|并非|并不是)(.{1,20}?)(而是|是)")
_AFFIRMATION = re.compile(r"^(?:而是|是|只是|其实是|就是|我说的是|问题是|说的是|but|rather|it'?s|it is)")
_RHETORICAL = re.compile(r"吗|么|\?$")


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    weight: float
    # What set the weight, for tests and explanations: settled, denied, affirmed, subject, demand.
    roles: tuple[str, ...] = ()


def _spans(text: str, boundary: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = start
    for match in boundary.finditer(text, start, end):
        if match.start() > position:
            spans.append((position, match.start()))
        position = match.end()
    if position < end:
        spans.append((position, end))
    return spans


def clauses(text: str, *, demand_from: int | None = None) -> list[Clause]:
    """The clauses of `text` with their weights; from `demand_from` on, the text is the demand."""
    result: list[Clause] = []
    for sentence_start, sentence_end in _spans(text, _SENTENCE_END, 0, len(text)):
        result.extend(_sentence(text, _spans(text, _CLAUSE_END, sentence_start, sentence_end), demand_from))
    return result


def _sentence(text: str, spans: list[tuple[int, int]], demand_from: int | None) -> list[Clause]:
    parts = [text[start:end].strip() for start, end in spans]
    weights = [1.0] * len(spans)
    roles: list[list[str]] = [[] for _ in spans]

    def mark(index: int, factor: float, role: str) -> None:
        weights[index] *= factor
        roles[index].append(role)

    for index, part in enumerate(parts):
        if _SETTLED.search(part) and not _UNSETTLED.search(part):
            # The settled matter is named in this clause or in the ones before it in the sentence
            # ("上次信用卡的事,已经解决了"), back to where the earlier matter is introduced.
            for back in range(index, -1, -1):
                if back < index and _SUBJECT.search(parts[back]):
                    break
                if "settled" not in roles[back]:
                    mark(back, SETTLED, "settled")
                if _EARLIER.search(parts[back]):
                    break
        if _SUBJECT.search(part):
            mark(index, SUBJECT, "subject")
        if demand_from is not None and spans[index][0] >= demand_from:
            mark(index, DEMAND, "demand")
        elif _DEMAND.search(part):
            mark(index, DEMAND_IN_TEXT, "demand")
        if _DENIAL.search(part) and not _RHETORICAL.search(part) and not _CONTRAST_IN_CLAUSE.search(part):
            following = parts[index + 1] if index + 1 < len(parts) else ""
            if _AFFIRMATION.search(following):
                mark(index, DENIED, "denied")
                mark(index + 1, AFFIRMED, "affirmed")
    result: list[Clause] = []
    for (start, end), weight, why in zip(spans, weights, roles, strict=True):
        contrast = _CONTRAST_IN_CLAUSE.search(text, start, end)
        if contrast is not None and not _RHETORICAL.search(text[start:end]):
            # "并非 X 而是 Y" inside one clause: X counts less, Y more, what precedes as it was.
            if contrast.start() > start:
                result.append(Clause(start, contrast.start(), weight, tuple(why)))
            result.append(Clause(contrast.start(), contrast.start(2), weight * DENIED, (*why, "denied")))
            result.append(Clause(contrast.start(2), end, weight * AFFIRMED, (*why, "affirmed")))
        else:
            result.append(Clause(start, end, weight, tuple(why)))
    return result


def weight_at(found: list[Clause], position: int) -> float:
    """The weight of the clause holding `position` (1.0 between clauses)."""
    for clause in found:
        if clause.start <= position < clause.end:
            return clause.weight
    return 1.0
