"""What a complainant can write never raises: it comes back unclassified, for triage, with why."""

import time

import pytest

from complaints.domain.understanding import Reader, Tuning
from complaints.domain.vocabulary import BusinessType, Flag


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😡😡😡🙏",
        "!!!???",
        "12345 678",
        "Моя карта заблокирована банком без объяснений",
        "ข้อความภาษาไทย",
    ],
)
def test_nothing_readable_goes_to_triage(reader: Reader, text: str) -> None:
    reading = reader.read(text)

    assert reading.needs_triage
    assert reading.confidence == 0.0
    assert reading.business_type is None
    assert reading.cause is None
    assert reading.triage_reasons


def test_twenty_thousand_characters_are_read_in_part_and_go_to_triage(reader: Reader) -> None:
    text = "我的信用卡年费被多扣了,客服一直推诿。" * 1100  # about 20,000 characters

    started = time.perf_counter()
    reading = reader.read(text)

    assert len(text) >= 20_000
    assert reading.needs_triage
    assert any("too long" in reason for reason in reading.triage_reasons)
    assert time.perf_counter() - started < 2  # it does not hold up the cases behind it


def test_mixed_scripts_are_read(reader: Reader) -> None:
    reading = reader.read("我的credit card被charge了两次annual fee,要求退还")

    assert reading.business_type is not None
    assert reading.card is not None


def test_a_submitters_answer_beats_the_text(reader: Reader) -> None:
    reading = reader.read("房贷月供多扣了", business_type=BusinessType.DEPOSITS, flags={Flag.VIP})

    assert reading.business_type is BusinessType.DEPOSITS
    assert Flag.VIP in reading.flags
    assert "business type deposits ← given" in reading.explanation()


def test_without_a_model_the_lexicon_answers_and_every_case_goes_to_triage(reader: Reader) -> None:
    rules_only = Reader(analyser=reader.analyser, model=None)

    reading = rules_only.read("信用卡年费被多扣了")

    assert reading.business_type is not None
    assert reading.needs_triage
    assert reading.model_version is None
    assert any("no model" in reason for reason in reading.triage_reasons)


def test_an_answer_below_its_threshold_says_so(reader: Reader) -> None:
    strict = Reader(analyser=reader.analyser, model=reader.model, tuning=Tuning(business_type=0.99))

    reading = strict.read("我想问一下那个事情怎么样了")

    assert reading.needs_triage
    assert any(reason.startswith("business type: confidence") for reason in reading.triage_reasons)
    assert reading.confidence < 0.99
