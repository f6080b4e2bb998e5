import pytest

from complaints.channels.sms_parsing import Part, join_parts, parse_satisfaction, split_sms
from complaints.domain.vocabulary import Satisfaction


@pytest.mark.parametrize(
    ("text", "expected", "remark"),
    [
        ("1", Satisfaction.SATISFIED, None),
        ("满意", Satisfaction.SATISFIED, None),
        ("非常满意！", Satisfaction.SATISFIED, None),
        ("１", Satisfaction.SATISFIED, None),
        ("2", Satisfaction.BASICALLY_SATISFIED, None),
        ("基本满意", Satisfaction.BASICALLY_SATISFIED, None),
        ("3", Satisfaction.DISSATISFIED, None),
        ("不满意", Satisfaction.DISSATISFIED, None),
        ("3，钱还没退", Satisfaction.DISSATISFIED, "钱还没退"),
        (" Satisfied ", Satisfaction.SATISFIED, None),
    ],
)
def test_satisfaction_answers(text: str, expected: Satisfaction, remark: str | None) -> None:
    answer = parse_satisfaction(text)
    assert answer is not None
    assert answer.satisfaction == expected
    assert answer.remark == remark


@pytest.mark.parametrize("text", ["满意吗？", "12345", "我很满意", "信用卡被盗刷", "", "4"])
def test_what_is_not_an_answer(text: str) -> None:
    assert parse_satisfaction(text) is None


def test_parts_join_in_order_once_all_are_in() -> None:
    parts = [Part(2, "第二段"), Part(1, "第一段，"), Part(2, "第二段")]
    assert join_parts(parts, total=2) == "第一段，第二段"
    assert join_parts(parts, total=3) is None


def test_long_text_splits_into_parts_of_at_most_70_characters() -> None:
    text = "，".join(["这是一段很长的短信内容"] * 20)
    parts = split_sms(text)
    assert len(parts) > 1
    assert all(len(part) <= 70 for part in parts)
    assert "".join(parts).replace("，", "") == text.replace("，", "")
    assert split_sms("短") == ["短"]
