"""Business type, cause and card kind for each failure class of issue 12, in several wordings.

None of these sentences is in the training corpus; they are read by the model trained on it.
"""

import pytest

from complaints.domain.understanding import Reader
from complaints.domain.vocabulary import BusinessType, CardKind, Cause

B = BusinessType


def type_of(reader: Reader, text: str) -> BusinessType | None:
    return reader.read(text).business_type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我在你们网点租了个保险柜放首饰,今年租金翻了一倍也不通知", B.OTHER),
        ("我那张贷记卡从没逾期,额度却被降到三千", B.BANK_CARDS),
        ("给一个助学基金会汇了两千块捐款,对方一直没收到", B.PAYMENT),
        ("The ATM told me to discard the receipt and then kept my debit card", B.BANK_CARDS),
    ],
)
def test_a_word_inside_another_word(reader: Reader, text: str, expected: BusinessType) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上次信用卡年费的事你们已经给我退了,谢谢。这次是房贷:提前还款的违约金算错了,多收了三千", B.LOANS),
        ("之前理财赎回的事已经处理好了。今天要说的是手机银行,一登录就闪退,用不了", B.E_BANKING),
        ("去年车贷的问题早就解决了,这回是我的储蓄卡在你们取款机上被吞了,等了三天还没拿回来", B.BANK_CARDS),
    ],
)
def test_a_settled_earlier_matter_does_not_beat_the_subject(
    reader: Reader, text: str, expected: BusinessType
) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不是信用卡的问题,是我的房贷,每个月月供多扣了两百", B.LOANS),
        ("并非理财亏损,而是你们信用卡分期的手续费没说清楚", B.BANK_CARDS),
        ("我的储蓄卡没有被盗刷,是柜台多收了我二十块工本费", B.BANK_CARDS),
    ],
)
def test_negation(reader: Reader, text: str, expected: BusinessType) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("信用卡账单分期的利息比说的高,额度也被降了", B.BANK_CARDS),
        ("房贷月供的还款日改了也不通知,征信上多了一次逾期", B.LOANS),
        ("车贷分期还款,我提前还清了,你们还在扣利息", B.LOANS),
        ("信用卡最低还款以后,账单上循环利息算得不对", B.BANK_CARDS),
    ],
)
def test_terms_shared_by_cards_and_loans(reader: Reader, text: str, expected: BusinessType) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的信用卡上個月被盜刷了兩萬,銀行說要我自己承擔", B.BANK_CARDS),
        ("房貸提前還款,櫃員說要收三個月利息的違約金", B.LOANS),
        ("你們代銷的基金虧了三成,當初理財經理說很穩健", B.WEALTH_MANAGEMENT),
    ],
)
def test_traditional_script(reader: Reader, text: str, expected: BusinessType) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的信用咔昨晚被人在外地刷了五千", B.BANK_CARDS),
        ("房代鱼期了一天就上了争信", B.LOANS),
        ("客户经里推的理才产品亏了", B.WEALTH_MANAGEMENT),
    ],
)
def test_speech_to_text_homophones(reader: Reader, text: str, expected: BusinessType) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按揭还了五年,想提前还一部分,网点说要排队三个月", B.LOANS),
        ("客户经理推荐的万能险,说是存款,结果十年才能取", B.WEALTH_MANAGEMENT),
        ("存取款一体机吐出来的钱少了两百", B.CASH),
        ("大额存单到期没提醒,按活期算了半个月利息", B.DEPOSITS),
        ("手机银行升级以后指纹登录一直失败", B.E_BANKING),
        ("I was charged twice for one transfer to my landlord", B.PAYMENT),
    ],
)
def test_the_words_customers_really_use(reader: Reader, text: str, expected: BusinessType) -> None:
    assert type_of(reader, text) == expected


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("信用卡年费说好刷满六次就免,刷够了还是扣了", CardKind.CREDIT),
        ("贷记卡账单日改了也不通知我", CardKind.CREDIT),
        ("my credit card was charged an annual fee I was told was waived", CardKind.CREDIT),
        ("工资卡今年被扣了十块钱小额账户管理费", CardKind.DEBIT),
        ("储蓄卡在柜台挂失补办要等七天", CardKind.DEBIT),
        ("my debit card was swallowed by the ATM outside the branch", CardKind.DEBIT),
    ],
)
def test_credit_or_debit_card(reader: Reader, text: str, card: CardKind) -> None:
    reading = reader.read(text)

    assert reading.business_type is B.BANK_CARDS
    assert reading.card is card


def test_no_card_kind_outside_card_complaints(reader: Reader) -> None:
    assert reader.read("房贷提前还款收了违约金").card is None


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("工资卡被扣了小额账户管理费,我从来没同意过", Cause.FEES),
        ("取款机吞卡,等了一个小时没人管", Cause.FACILITIES),
        ("催收员天天打电话到我单位,还骂我老赖", Cause.DEBT_COLLECTION),
        ("理财到期收益只有一点五,当初宣传的是四个点", Cause.PRODUCT_RETURNS),
        ("柜员态度很差,问两句就不耐烦", Cause.SERVICE),
    ],
)
def test_cause(reader: Reader, text: str, cause: Cause) -> None:
    assert reader.read(text).cause is cause


def test_the_explanation_names_the_deciding_terms_and_the_models_words(reader: Reader) -> None:
    reading = reader.read("上次信用卡年费的事已经退了。这次是房贷:提前还款的违约金多收了三千")

    business_type = next(line for line in reading.evidence if line.startswith("business type"))
    assert business_type.startswith("business type loans ← 房贷")
    assert "model " in business_type
    assert "信用卡" not in business_type  # the settled matter did not decide it
