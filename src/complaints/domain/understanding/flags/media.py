"""Media involvement or threat: an outlet, journalist or platform TOGETHER WITH an act or threat
of disclosure ("不解决我就找电视台", "已经发到抖音上了", "约了都市报的记者", "材料交给了在晚报当记者
的表哥", "视频周末就发出来" from a blogger with 200,000 followers).

Not media: a platform named for what the complainant saw there ("在抖音上刷到你们的广告", "微博上
搜了一下"), a denied intent ("不打算找什么媒体", "不是来曝光谁的"), staff posting the customer's
data (that is information security), or a threat to post staff's home addresses (malicious).
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.vocabulary import Flag

_OUTLET = (
    r"电视台|电视|报社|记者|编辑|媒体|自媒体|都市报|晚报|日报|报纸|新闻|栏目组|栏目|节目|抖音|快手|微博|小红书|"
    r"今日头条|头条|朋友圈|网上(?!银行)|网络上|视频号|b站|知乎|论坛|贴吧|黑猫投诉|央视|曝光台|热搜|博主|大v|"
    r"facebook|twitter|youtube|instagram|ins|reporters?|journalists?|newspapers?|tv station|the media|"
    r"the press|"
    r"social media|weibo|douyin|tiktok"
)
# An act that takes the complaint to an outlet ("找电视台", "发到抖音上", "交给记者") ...
_ACT_TOWARDS = (
    r"找|联系|联络|约了|约好|发到|发在|发上|发给|传到|传上|上传到?|挂到|挂在|爆料给|告诉|交给|捅到|投稿|post到?|"
    r"post(?:ed|ing)? (?:it )?(?:on|to)|upload(?:ed)? (?:it )?to|go(?:ing)? to|contact(?:ed)?|tell|told|"
    r"sent (?:it )?to"
)
# ... or one the outlet does, or the complainant does there ("记者下周来拍", "在B站发了视频").
_ACT_THERE = (
    r"曝光|报道|报导|采访|来拍|评评理|私信|转发|转了|发了|发出来|发出|写一篇|写一写|见报|播出|就播|上节目|"
    r"节目上见|镜头|直播|帖子|阅读量|播放|点赞|评论区|评论里|让大家看看|让全网|上新闻|"
    r"will (?:report|cover|air)|reported|interview|posted|went viral"
)
_TOGETHER = re.compile(
    rf"(?P<a>{_ACT_TOWARDS}).{{0,16}}?(?P<o>{_OUTLET})|(?P<o2>{_OUTLET}).{{0,16}}?(?P<a2>{_ACT_THERE}|"
    rf"{_ACT_TOWARDS})"
)
# The outlet is where the complainant saw or read something, not where they take the complaint.
_SEEN_THERE = re.compile(
    rf"(?:看到|刷到|看了|搜了|搜到|读到|听|看见|关注|浏览|宣传|广告|直播间|上看|推送)"
    rf".{{0,6}}(?:{_OUTLET})|(?:{_OUTLET}).{{0,4}}(?:上|里)?(?:看到|刷到|搜|读到|说|广告|宣传|报道说|吐槽|推)"
)
_DENIED = re.compile(
    r"不是(?:来|要)?(?:曝光|找媒体|找记者)|不会(?:去)?(?:曝光|找)|没(?:有)?(?:想|打算)(?:曝光|找)|不打算|不想(?:找|曝光)"
)
# Staff posting the customer's data there, or a threat to post staff's private details: not this flag.
_SOMEONE_ELSES_POST = re.compile(r"(?:客户经理|柜员|员工|经理|她|他)(?:把|在|的)")
_DOXXING = re.compile(r"家住哪|住址|孩子在哪|电话号码都|员工的电话")
# 曝光 names its own outlet: "不解决我就曝光你们" is a threat of publicity even without a platform.
_EXPOSE = re.compile(r"(?:就|要|会|去|准备|已经|一起)(?:去)?(?:找.{0,8})?曝光|曝光你们|公开曝光")
# A blogger or journalist named in one sentence and the post announced in another.
_STRONG_OUTLET = re.compile(r"记者|电视台|报社|媒体|博主|大v|栏目|粉丝|journalist|reporter")
_STRONG_ACT = re.compile(r"发出来|曝光|报道|报导|见报|就播|节目上见|采访|写一篇|发视频|视频.{0,6}发")


def detect(document: Document) -> Detection | None:
    text = document.text
    for sentence in sentences(text):
        if _DENIED.search(sentence) or _DOXXING.search(sentence):
            continue
        for match in _TOGETHER.finditer(sentence):
            outlet = match.group("o") or match.group("o2")
            act = match.group("a") or match.group("a2")
            seen = _SEEN_THERE.search(sentence)
            if seen and outlet in seen.group() and not _EXPOSE.search(sentence):
                continue
            if _SOMEONE_ELSES_POST.search(sentence[max(match.start() - 12, 0) : match.start() + 2]):
                continue
            return Detection(Flag.MEDIA, (act, outlet))
        expose = _EXPOSE.search(sentence)
        if expose:
            return Detection(Flag.MEDIA, (expose.group(),))
    outlet, act = _STRONG_OUTLET.search(text), _STRONG_ACT.search(text)
    if outlet and act and not _DENIED.search(text) and not _SEEN_THERE.search(text):
        return Detection(Flag.MEDIA, (outlet.group(), act.group()))
    return None
