"""Each flag detector's own rules, true and false, in several wordings, with its evidence.

The detectors are called directly (no model), so these check the rules alone; the learned second
opinion is checked at the end.
"""

import pytest

from complaints.domain.understanding import Analyser, Reader
from complaints.domain.understanding.flags import DETECTORS, detect_flags
from complaints.domain.vocabulary import Flag

F = Flag


def fires(analyser: Analyser, flag: Flag, text: str) -> tuple[str, ...] | None:
    detection = DETECTORS[flag](analyser.read(text))
    return detection.evidence if detection is not None else None


CASES: list[tuple[Flag, str, bool]] = [
    # information security: however it is worded, with or without 泄露
    (F.INFORMATION_SECURITY, "我的电话怎么会被卖给贷款中介?天天有人打来", True),
    (F.INFORMATION_SECURITY, "柜员把我的存款余额大声念了出来,后面排队的人都听见了", True),
    (F.INFORMATION_SECURITY, "我从没授权,你们却查了我的征信,查询原因写的是贷款审批", True),
    (F.INFORMATION_SECURITY, "刚办完房贷,中介就打电话来,连我贷了多少都说得出来", True),
    (F.INFORMATION_SECURITY, "你们员工泄露了我的个人信息", True),
    (F.INFORMATION_SECURITY, "每天都有人打电话推销贷款,还知道我的名字和工作单位", True),
    (F.INFORMATION_SECURITY, "柜员把我卡里还剩多少钱大声报出来,后面排队的人都听到了", True),
    (F.INFORMATION_SECURITY, "我担心信息泄露,所以不想在手机上拍身份证", False),
    (F.INFORMATION_SECURITY, "我的个人信息没有泄露,我要说的是排队太久", False),
    (F.INFORMATION_SECURITY, "你们城东支行卖给我的基金亏了两万", False),
    (F.INFORMATION_SECURITY, "征信查询我是授权了的,但半个月查三次太多了", False),
    # media: an outlet together with a threat or act of disclosure
    (F.MEDIA, "再不解决我就去找电视台曝光", True),
    (F.MEDIA, "录音我已经发到微博上了,转发好几千", True),
    (F.MEDIA, "我表哥在晚报当记者,材料已经交给他了", True),
    (F.MEDIA, "在抖音上刷到你们信用卡的广告才去办的卡", False),
    (F.MEDIA, "我在小红书上搜了一下,好多人都遇到过", False),
    (F.MEDIA, "我不打算找什么媒体,就想讨个说法", False),
    # group: a stated number of people, at least five, or fifty affected
    (F.GROUP, "我们小区三十多户业主的房贷都被多扣了", True),
    (F.GROUP, "我们厂十几个工友的工资都没到账", True),
    (F.GROUP, "五六个老人一起来的,都被劝着买了保险", True),
    (F.GROUP, "there are 8 of us in the same situation with this fund", True),
    (F.GROUP, "我和我老伴两个人的存折都被冻结了", False),
    (F.GROUP, "我们一家四口每张卡都被扣了年费", False),
    (F.GROUP, "普通窗口前面排了三十多人", False),
    (F.GROUP, "五个月了还没解决", False),
    # malicious: extortion, disproportion, threats of disruption or harm; never a lawful step
    (F.MALICIOUS, "今天不退钱,明天我就带人去你们门口拉横幅", True),
    (F.MALICIOUS, "多收了我二十块手续费,赔我十万,少一分都不行", True),
    (F.MALICIOUS, "不全额兑换,我就拿砖头把你们营业厅的玻璃门砸了", True),
    (F.MALICIOUS, "再不处理我就向金融监管局投诉,并保留起诉的权利", False),
    (F.MALICIOUS, "我已经打12378反映了,也请了律师", False),
    (F.MALICIOUS, "催收员威胁我说再不还钱就到我单位拉横幅", False),
    (F.MALICIOUS, "再不退钱,我就把这件事发到抖音上让大家评评理", False),  # the press is lawful
    # repeat: the text says this issue was raised before
    (F.REPEAT, "这已经是我第三次打电话反映了", True),
    (F.REPEAT, "上个月就反映过一次,到现在没人联系我", True),
    (F.REPEAT, "This is the second time I am writing about the same fee", True),
    (F.REPEAT, "又到月底了,手机银行又在维护", False),
    (F.REPEAT, "我又来了,不过这次是另一件事", False),
    (F.REPEAT, "这是我第二次申请房贷,又被拒了", False),
    (F.REPEAT, "上次投诉过网银的事情已经解决了,这回说说房贷", False),
    (F.REPEAT, "上个礼拜就反映过了,吞的卡到现在还没还给我", True),
    # confidential: asked for in the text
    (F.CONFIDENTIAL, "请不要让网点知道是我投诉的", True),
    (F.CONFIDENTIAL, "别告诉客户经理是我反映的,我们住一个小区", True),
    (F.CONFIDENTIAL, "Please keep my name out of it", True),
    (F.CONFIDENTIAL, "我不怕你们知道是我投诉的,名字随便登记", False),
    # vip: said in the text
    (F.VIP, "我是你们私人银行的客户,在行里放了八百多万", True),
    (F.VIP, "本人金卡客户,上周去网点办业务", True),
    (F.VIP, "I am a private banking client of your Gaoxin branch", True),
    (F.VIP, "我不是什么VIP,就是普通储户", False),
    (F.VIP, "VIP窗口空着,普通窗口排了两个小时", False),
    # aggressive: acts on site, not idioms or wishes
    (F.AGGRESSIVE, "保安上来推了我一把,我差点摔倒", True),
    (F.AGGRESSIVE, "客户经理把我的资料往桌上一摔,冲我吼", True),
    (F.AGGRESSIVE, "客户在柜台前拒绝离开长达两小时", True),
    (F.AGGRESSIVE, "柜员把我的存折扔出窗口,掉在地上", True),
    (F.AGGRESSIVE, "不退钱我就把你们的玻璃门砸了", False),  # a threat: malicious, not an act
    (F.AGGRESSIVE, "气得我想砸手机", False),
    (F.AGGRESSIVE, "砸锅卖铁也要还上这笔钱", False),
    (F.AGGRESSIVE, "我打了个电话给客服,说要打官司", False),
    (F.AGGRESSIVE, "我在家气得把桌子都拍了", False),
]


@pytest.mark.parametrize(("flag", "text", "holds"), CASES)
def test_flag(analyser: Analyser, flag: Flag, text: str, holds: bool) -> None:
    evidence = fires(analyser, flag, text)

    assert (evidence is not None) == holds, evidence
    if holds:
        assert evidence
        assert all(evidence)


def test_every_flag_has_true_and_false_cases() -> None:
    covered = {(flag, holds) for flag, _, holds in CASES}

    assert covered == {(flag, holds) for flag in DETECTORS for holds in (True, False)}


def test_evidence_names_the_words(analyser: Analyser) -> None:
    assert fires(analyser, F.MEDIA, "再不解决我就去找电视台曝光") == ("找", "电视台")


def test_a_flag_read_in_traditional_script(analyser: Analyser) -> None:
    assert fires(analyser, F.MEDIA, "不解決我就去找電視台曝光") is not None


def test_the_learned_opinion_adds_a_flag_the_rules_miss_with_its_reason(analyser: Analyser) -> None:
    document = analyser.read("柜台那边好像有点问题")

    found = detect_flags(document, learned={F.REPEAT: (0.95, ("又", "第二次"))}, threshold=0.7)
    assert found[F.REPEAT].evidence == ("model 0.95", "又", "第二次")
    assert F.REPEAT not in detect_flags(document, learned={F.REPEAT: (0.5, ())}, threshold=0.7)


def test_the_reader_reports_flags_with_their_evidence(reader: Reader) -> None:
    reading = reader.read("我们小区四十多户业主的物业费都被重复扣了,再不退我们就去找电视台")

    assert {F.GROUP, F.MEDIA} <= reading.flags
    assert reading.flag_evidence[F.MEDIA] == ("找", "电视台")
    assert any(line.startswith("flag group ←") for line in reading.evidence)
