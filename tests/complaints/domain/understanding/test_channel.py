"""The JR/T 0169 A-dimension: where the disputed business was done, read from the text."""

import pytest

from complaints.domain.regulator_codes import current_mapping
from complaints.domain.understanding import Reader
from complaints.domain.vocabulary import BusinessChannel, BusinessType, Cause

C = BusinessChannel


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("取款机把我的卡吞了", C.SELF_SERVICE),
        ("在柜台办挂失,柜员让我等了一个小时", C.COUNTER),
        ("手机银行APP转账一直提示失败", C.MOBILE_BANKING),
        ("网上银行的U盾在电脑上装不上控件", C.ONLINE_BANKING),
        ("在你们微信公众号上查账单,显示的是别人的", C.PUBLIC_PLATFORM),
    ],
)
def test_the_channel_of_the_disputed_business(reader: Reader, text: str, channel: BusinessChannel) -> None:
    assert reader.read(text).business_channel is channel


def test_each_channel_has_its_a_code() -> None:
    mapping = current_mapping()

    assert set(mapping.business_channel_codes) == set(BusinessChannel)
    assert mapping.name(mapping.business_channel_codes[C.SELF_SERVICE]) == "自助机具"
    assert mapping.name(mapping.business_channel_codes[C.MOBILE_BANKING]) == "移动客户端"


def test_a_read_channel_gives_the_a_code_and_the_rules_are_the_fallback() -> None:
    mapping = current_mapping()

    read = mapping.codes_of(
        business_type=BusinessType.LOANS, cause=Cause.FEES, has_branch=False, business_channel=C.COUNTER
    )
    derived = mapping.codes_of(business_type=BusinessType.LOANS, cause=Cause.FEES, has_branch=False)
    assert (read.channel, read.channel_defaulted) == ("A101", False)
    assert (derived.channel, derived.channel_defaulted) == ("A199", True)


def test_debt_collection_is_c12() -> None:
    mapping = current_mapping()

    assert mapping.cause_codes[Cause.DEBT_COLLECTION] == "C12"
    assert mapping.name("C12") == "债务催收方式和手段"
