"""The text pipeline: one normal form, whole words, repaired homophones, weighted clauses."""

import pytest

from complaints.domain.understanding import Analyser
from complaints.domain.understanding.normalise import Normaliser
from complaints.domain.understanding.sentences import AFFIRMED, DENIED, SETTLED, SUBJECT, clauses


def test_full_width_traditional_and_case_become_one_form() -> None:
    normaliser = Normaliser()

    assert normaliser.normalise("我的ＡＴＭ卡") == "我的atm卡"
    assert normaliser.normalise("信用卡帳單") == normaliser.normalise("信用卡账单") == "信用卡账单"
    assert normaliser.normalise("貸款逾期，徵信") == "贷款逾期,征信"
    assert normaliser.normalise("a\u200bpp") == "app"  # an invisible space no longer splits the word


@pytest.mark.parametrize(
    ("text", "whole", "never"),
    [
        ("我在你们行租的保险柜租金涨了", "保险柜", "保险"),
        ("我那张贷记卡额度降了", "贷记卡", "贷款"),
        ("给慈善基金会的捐款没到账", "基金会", "基金"),
        ("市分行营业部的人说不清楚", "分行", "分期"),
        ("用微信理财通买的货币基金", "理财通", "理财"),
    ],
)
def test_a_term_inside_a_longer_word_is_not_found(
    analyser: Analyser, text: str, whole: str, never: str
) -> None:
    document = analyser.read(text)

    assert whole in [token.text for token in document.tokens]
    assert never not in [hit.term for hit in document.hits]


def test_english_terms_match_on_word_boundaries(analyser: Analyser) -> None:
    assert "card" not in [hit.term for hit in analyser.read("Please discard the receipt, the ATM said").hits]
    assert "credit card" in [hit.term for hit in analyser.read("my CREDIT  Cards were charged twice").hits]


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("我的信用咔被盗刷了", "信用卡"),
        ("房贷鱼期了三天", "逾期"),
        ("买的理才产品亏了", "理财"),
        ("争信报告上多了一条", "征信"),
        ("跨行转账手续废收了两次", "手续费"),
        ("我现在就想腿保", "退保"),
        ("催手的人天天打电话", "催收"),
    ],
)
def test_speech_to_text_homophones_of_banking_terms_are_repaired(
    analyser: Analyser, heard: str, meant: str
) -> None:
    document = analyser.read(heard)

    assert meant in document.text
    assert len(document.text) == len(heard)  # positions found later still point into the text


@pytest.mark.parametrize(
    "text", ["公积金贷款批了", "分红显示为零", "我找你们查了一个星期", "我的个人信心都没了"]
)
def test_real_words_that_sound_like_terms_are_left_alone(analyser: Analyser, text: str) -> None:
    assert analyser.read(text).repairs == []


def test_an_earlier_settled_matter_weighs_less_and_todays_subject_more() -> None:
    text = "上次信用卡的事已经解决了,这次是房贷,月供多扣了"
    found = clauses(text)

    assert [text[c.start : c.end] for c in found] == ["上次信用卡的事已经解决了", "这次是房贷", "月供多扣了"]
    assert [c.weight for c in found] == [SETTLED, SUBJECT, 1.0]


@pytest.mark.parametrize(
    ("text", "denied", "affirmed"),
    [
        ("不是信用卡的问题,是房贷", "不是信用卡的问题", "是房贷"),
        ("并非转账失败而是手续费收多了", "并非转账失败", "而是手续费收多了"),
    ],
)
def test_the_denied_half_of_a_contrast_weighs_less(text: str, denied: str, affirmed: str) -> None:
    weights = {text[c.start : c.end]: c.weight for c in clauses(text)}

    assert weights[denied] == DENIED
    assert weights[affirmed] == AFFIRMED


def test_a_rhetorical_question_denies_nothing() -> None:
    assert all(c.weight == 1.0 for c in clauses("不是说好免年费吗?怎么又扣了"))


def test_a_denied_term_inside_a_clause_weighs_less(analyser: Analyser) -> None:
    document = analyser.read("我的卡没有被盗刷,是扣了年费")

    stolen = next(hit for hit in document.hits if hit.term in ("被盗刷", "盗刷"))
    fee = next(hit for hit in document.hits if hit.term == "年费")
    assert document.weight(stolen.start) < document.weight(fee.start)


def test_the_demand_given_apart_weighs_more(analyser: Analyser) -> None:
    document = analyser.read("卡被吞了", demand="退还年费")

    assert document.demand_from is not None
    assert document.weight(document.demand_from) > document.weight(0)
