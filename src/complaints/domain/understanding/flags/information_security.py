"""Information security: personal data disclosed, sold, shown or queried without consent, however
it is said, with or without the word 泄露:

- sold or leaked: "我的电话怎么会被卖给贷款中介", "资料外流", "打包出售";
- told or shown to someone else: "柜员把我的余额念给旁边的人听", "催收打给我妈，把我欠多少全说了",
  "对账单寄到旧地址被租客拆开看了", "屏幕上显示的是别人的姓名和余额";
- queried or used without consent: "没授权就查了我征信", "用我的身份信息开了卡";
- known by people who could only have it from the bank: "中介连我贷了多少都说得出来".

Not a leak: a worry (担心信息泄露), a denial (我的信息没有泄露, 不是说你们泄露), a retraction
(以为是你们泄露的，后来想起来是我自己…), a bank declining to disclose (怕泄露客户信息), consent
given (征信查询我是授权了的), a data-rights request (查询、删除我的个人信息), a product sold to them.
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.vocabulary import Flag

_DATA = (
    r"个人信息|个人资料|客户信息|客户资料|客户名单|名单|信息|资料|数据|隐私|电话号码|手机号|号码|电话|身份证|证件|"
    r"复印件|护照|照片|住址|地址|余额|存款|流水|账户|账号|卡号|征信|名字|姓名|全名|单位|收入|月薪|薪水|工资|"
    r"欠款|欠了|欠钱|欠银行|欠你们|房号|贷款金额|贷了多少|消费明细|消费记录|交易记录|明细|账单|对账单|到期日|资产|"
    r"持仓|购买金额|学号|聊天记录|截图|多少钱|卡里|存了多少|"
    r"personal (?:data|information|details)|my (?:number|phone|address|balance|details|data|salary|"
    r"passport|id)|"
    r"account (?:balance|information|details)|credit report|passport|id card|payroll|salary"
)
_OTHERS = (
    r"别人|外人|旁边的人|后面的人|排队的人|大厅|一屋子人|整个|全公司|全办公室|全年级|同事|邻居|亲戚|家人|父母|"
    r"我妈|我爸|爸妈|她妈|他妈|我婆婆|婆婆|我弟|我哥|我姐|我妹|我老公|我太太|我老婆|房东|债主|对方当事人|秘书|"
    r"老家|前台|领导|辅导员|陌生人|租户|租客|新住户|前男友|前夫|丈母娘|表姐|朋友圈|微信群|群里|一个群|公司老板|"
    r"老板|竞争对手|同行|第三方|合作方|保险公司|中介|装修公司|insurance broker|broker|"
    r"others|strangers|people (?:behind|in the queue)|my (?:father|mother|family|employer|landlord|wife|"
    r"husband)"
)
_LEAK = re.compile(
    r"泄露|泄漏|泄密|外泄|外流|流出去|流出|倒卖|打包(?:在网上)?(?:出售|卖)|出售|贩卖|"
    rf"(?:{_DATA}).{{0,8}}(?:卖出去|卖给|卖了|被卖)|卖(?:给|了)?.{{0,4}}(?:名单|信息|资料|数据|号码)|"
    r"leak(?:ed|ing)?|breach|sold (?:my|our|customer)|selling (?:my|our|customer)|shar(?:ed|ing) (?:my|our)"
)
_TOLD_OR_SHOWN = re.compile(
    rf"(?:告诉|告知|透露|讲述|说出|说了|全说|念|读|喊|报给|报出|递给|发给|发到|发在|寄到|寄给|打给|打到|打电话给|"
    rf"转发|拍照发|拍给|给了|贴在|贴了|放在|扔进|显示了?|截图).{{0,16}}?(?:{_OTHERS})"
    rf"|(?:{_OTHERS}).{{0,12}}?(?:都知道|全知道|知道了|一清二楚|都听见|全听见|听见了|都听到|看得清清楚楚|看得见|"
    rf"看到了|看见了|看光|都在传|在传|议论|都看到|拿起来看|拆开|捡到|翻看)"
    rf"|当着.{{0,10}}(?:念|说|讲|喊|问)|当众|大声(?:说|问|念|喊|讲)|念(?:了)?出来|说了出来|喊出来|"
    rf"(?:看到|看得到|能看到|显示的是|显示了?|都是)(?:的是)?.{{0,6}}(?:别人|他的|另一个|另一位|上一个|前面那个人|陌生人)"
    rf"|(?:用|拿)(?:她|他)?(?:自己|私人)的?手机.{{0,6}}拍|拍(?:了|下)?(?:我的)?(?:身份证|护照|银行卡|卡)"
    rf"|(?:寄到|发到|发给)了?.{{0,6}}(?:旧地址|老地址|旧号码|别人|陌生人|前男友|错)"
    rf"|(?:打印|打)给了?(?:他|她|我儿子|我女儿)|写在.{{0,8}}(?:白板|便签|纸上)|贴在.{{0,6}}(?:显示器|墙|门)"
    rf"|(?:别人|另一个|另一位|另一家|上一个|同名)(?:客户|人|公司|机主)?的(?:.{{0,4}})(?:{_DATA})"
    rf"|连.{{0,16}}都(?:知道|晓得|说得出|清楚|know)"
    rf"|(?:把|将)(?:我的?|客户的?)?.{{0,8}}(?:资料|信息|号码|电话|数据).{{0,4}}"
    rf"(?:给出去|卖出去|透露出去|泄露出去|流出去|传出去)"
    r"|read (?:my|our) .{0,20}(?:out loud|aloud)|told (?:him|her|them|my)|shared (?:our|my)|"
    r"photograph(?:ed)? (?:my|our)|left (?:the|my) (?:copy|documents)|gave (?:him|her|them) my"
)
_WITHOUT_CONSENT = re.compile(
    r"(?:没有?|未经|未|没经过|从没|从来没有?)(?:我的?|本人)?(?:授权|同意|允许|签过?(?:任何)?授权)|谁授权|谁让你们查|"
    r"谁给你们的授权|谁允许|不经授权|未核实授权|不知情的情况下|私自(?:查|调|给|拿)|擅自(?:查|调|给|拿)|"
    r"(?:贷后管理|查询记录).{0,20}(?:还清|结清|没有?贷|从没|从来没)|(?:还清|结清|没有?贷|从没|从来没).{0,30}(?:贷后管理|查询记录)|"
    r"(?:查了|查询了|查过|查询).{0,12}(?:征信|账户|信用报告)|"
    r"用我的(?:身份|身份证|信息|名义|名字|号码|照片)|以我的名义|冒名|冒用|盗用|"
    r"without (?:my |our )?(?:consent|permission|authori[sz]ation)|(?:did not|never) authori[sz]e|"
    r"enquir(?:y|ies) .{0,40}(?:never|not)"
)
_QUERY = re.compile(r"查|征信|信用报告|credit report|enquir")
_KNOWN_BY_OTHERS = re.compile(
    r"(?:中介|推销|骚扰|保险代理人|代理人|保险公司的人|陌生人|骗子|对方|网贷平台|贷款平台|小贷公司|放贷的|"
    r"贷款公司|外人|别人|他们|那个人|前夫|前男友|租客|老板|生意伙伴|有人|短信里|电话里|"
    r"broker|caller|stranger|agent|they|he|she)"
    r".{0,30}?(?:知道我|知道我们|知道您|知道了|说得出|说出|报出|叫出|叫我全名|叫我的|一清二楚|分毫不差|准确说出|"
    r"都知道|都清楚|清清楚楚|晓得|有我的|有每个人的|有我们的|"
    r"knows? my|knew my|quoted|addressing me by|mentioning my)"
)
_NOT_A_LEAK = re.compile(
    r"没有?泄露|没泄露|不是(?:说)?(?:你们)?泄露|以为是你们|不怪你们|担心|害怕|怕泄露|怕.{0,4}泄露|会不会|是否|"
    r"防止|怎么保护|有点担心|授权了的|是我自己(?:填|给|留|在)|删除|复制一份|不要把|别把|卖给我|卖给了我|"
    r"看新闻|新闻说|被人冒用开了|欠款|扣|转到|转让|钱被|工资被|打到了|打到我|拍身份证|"
    r"sold (?:me|him|her)|worried|afraid|in case"
)


def detect(document: Document) -> Detection | None:
    for sentence in sentences(document.text):
        # A caller who knows too much is often named a clause before what they knew.
        known = _KNOWN_BY_OTHERS.search(sentence)
        if known and not any(_NOT_A_LEAK.search(c) for c in re.split(r"[,:]", known.group())):
            return Detection(Flag.INFORMATION_SECURITY, (known.group(),))
        for clause in re.split(r"[,:]", sentence):
            if _NOT_A_LEAK.search(clause):
                continue
            for pattern in (_LEAK, _TOLD_OR_SHOWN, _KNOWN_BY_OTHERS):
                found = pattern.search(clause)
                if found and (pattern is not _TOLD_OR_SHOWN or re.search(_DATA, sentence)):
                    return Detection(Flag.INFORMATION_SECURITY, (found.group(),))
            consent = _WITHOUT_CONSENT.search(clause)
            if consent and (_QUERY.search(sentence) or re.search(_DATA, clause)):
                return Detection(Flag.INFORMATION_SECURITY, (consent.group(),))
    return None
