"""Keyword classification, with the reference bank's kind of keywords."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.domain.classification import Classification, KeywordRules, classify
from complaints.domain.vocabulary import BusinessType, Cause, Flag

B = BusinessType


@pytest.fixture
def rules() -> KeywordRules:
    # Order matters: the first business type / cause with a hit wins.
    return KeywordRules(
        business_types={
            B.BANK_CARDS: ("信用卡", "credit card"),
            B.LOANS: ("贷款", "征信", "credit report"),
            B.WEALTH_MANAGEMENT: ("理财", "基金", "保险"),
            B.E_BANKING: ("手机银行", "网银", "app"),
        },
        causes={
            Cause.INFORMATION_SECURITY: ("泄露",),
            Cause.FEES: ("手续费",),
            Cause.FACILITIES: ("ATM", "取款机"),
            Cause.SERVICE: ("态度",),
        },
        flags={
            Flag.INFORMATION_SECURITY: ("个人信息", "泄露"),
            Flag.MEDIA: ("媒体", "记者", "曝光"),
            Flag.GROUP: ("集体", "群体", "多人"),
        },
    )


@pytest.mark.parametrize(
    ("text", "business_type"),
    [
        ("我的信用卡被多扣了年费", B.BANK_CARDS),
        ("My Credit Card was charged twice", B.BANK_CARDS),
        ("房屋贷款提前还款被拒绝", B.LOANS),
        ("征信报告上有一笔不是我的逾期记录", B.LOANS),
        ("my CREDIT REPORT shows a loan I never took", B.LOANS),
        ("客户经理推荐的理财产品亏损严重", B.WEALTH_MANAGEMENT),
        ("代销的保险没有说明退保损失", B.WEALTH_MANAGEMENT),
        ("手机银行转账一直失败", B.E_BANKING),
        ("The APP crashes on login", B.E_BANKING),
        ("存款利息算错了", None),
    ],
)
def test_business_type(rules: KeywordRules, text: str, business_type: BusinessType | None) -> None:
    assert classify(text, rules).business_type == business_type


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("跨行取款手续费收了两次", Cause.FEES),
        ("atm吞卡了", Cause.FACILITIES),
        ("取款机吐钞不足", Cause.FACILITIES),
        ("柜员态度恶劣", Cause.SERVICE),
        ("我的个人信息被泄露给了催收公司", Cause.INFORMATION_SECURITY),
        ("想咨询一下开户流程", None),
    ],
)
def test_cause(rules: KeywordRules, text: str, cause: Cause | None) -> None:
    assert classify(text, rules).cause == cause


def test_full_width_letters_match() -> None:
    rules = KeywordRules(business_types={}, causes={Cause.FACILITIES: ("ATM",)}, flags={})
    assert classify("ＡＴＭ机坏了", rules).cause is Cause.FACILITIES


def test_first_business_type_with_a_hit_wins(rules: KeywordRules) -> None:
    result = classify("用信用卡在手机银行还贷款", rules)
    assert result.business_type is B.BANK_CARDS
    assert result.matched == ("信用卡",)


def test_flags_add_up(rules: KeywordRules) -> None:
    result = classify("多人个人信息泄露，已联系记者准备曝光", rules)
    assert result.flags == {Flag.INFORMATION_SECURITY, Flag.MEDIA, Flag.GROUP}
    assert result.cause is Cause.INFORMATION_SECURITY
    assert result.matched == ("泄露", "个人信息", "记者", "曝光", "多人")


def test_hints_win_over_keywords(rules: KeywordRules) -> None:
    result = classify(
        "信用卡年费态度差",
        rules,
        business_type_hint=B.LOANS,
        cause_hint=Cause.FEES,
    )
    assert (result.business_type, result.cause) == (B.LOANS, Cause.FEES)
    # Hinted categories were not decided by keywords, so no keyword is credited.
    assert result.matched == ()


def test_flag_hints_are_kept_and_joined(rules: KeywordRules) -> None:
    result = classify("我要找媒体曝光", rules, flags_hint=frozenset({Flag.VIP, Flag.REPEAT}))
    assert result.flags == {Flag.VIP, Flag.REPEAT, Flag.MEDIA}


def test_nothing_found(rules: KeywordRules) -> None:
    assert classify("", rules) == Classification(
        business_type=None, cause=None, flags=frozenset(), matched=()
    )


def test_keyword_shared_by_two_categories_is_reported_once(rules: KeywordRules) -> None:
    assert classify("信息泄露", rules).matched == ("泄露",)


@pytest.mark.parametrize("blank", ["", "  ", "\u3000"])
def test_blank_keywords_are_refused(blank: str) -> None:
    with pytest.raises(ValueError, match="blank keyword"):
        KeywordRules(business_types={B.LOANS: ("贷款", blank)}, causes={}, flags={})


@given(st.text())
def test_never_fails_and_only_reports_keywords_it_has(text: str) -> None:
    rules = KeywordRules(
        business_types={B.BANK_CARDS: ("信用卡", "card")},
        causes={Cause.FEES: ("fee",)},
        flags={Flag.MEDIA: ("媒体",)},
    )
    result = classify(text, rules)
    assert set(result.matched) <= {"信用卡", "card", "fee", "媒体"}
    assert (result.business_type is None) == (not {"信用卡", "card"} & set(result.matched))
