from complaints.domain.similarity import distance, letters, simhash, to_signed

TEMPLATE = "某某理财产品到期无法兑付，我们要求银行给个说法，立即兑付本金和收益"


def fingerprint(text: str) -> int:
    value = simhash(text)
    assert value is not None
    return value


def test_spacing_punctuation_and_numbers_do_not_count() -> None:
    assert letters("信用卡 年费, 200元！Card") == "信用卡年费元card"
    assert fingerprint("信用卡年费200元被扣收") == fingerprint("信用卡年费 9999 元被扣收！！")


def test_near_identical_texts_are_close_and_different_ones_far() -> None:
    near = fingerprint(TEMPLATE + "。本人张三")
    other = fingerprint("手机银行转账失败，钱被扣了但对方一直没有收到，客服也不处理")
    assert distance(fingerprint(TEMPLATE), near) <= 12
    assert distance(fingerprint(TEMPLATE), other) > 20


def test_short_texts_have_no_fingerprint() -> None:
    assert simhash("退款！") is None


def test_the_signed_form_keeps_the_distance() -> None:
    a, b = fingerprint(TEMPLATE), fingerprint("信用卡年费未经同意被扣收，客服电话一直打不通")
    assert distance(to_signed(a), to_signed(b)) == distance(a, b)
    assert -(2**63) <= to_signed(a) < 2**63
