"""Aggressive behaviour on site: acts, by the customer or by staff — shoving, hitting, throwing or
smashing things, slamming the table, shouting someone down, refusing to leave.

Idioms and wishes are not acts: "气得我想砸手机", "恨不得把合同撕了", "差点吵起来", "砸锅卖铁",
"打官司", "打了个电话", nor what happened at home ("在家气得把桌子都拍了") or what was denied
("我没喊没闹，没动手也没摔东西").
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.vocabulary import Flag

_ACT = re.compile(
    r"推了(?:我|他|她|保安)?一把|推(?:了)?我|推搡|往(?:门)?外推|把我往.{0,4}推|推得我|推倒|推到了?(?:地上|门外)|"
    r"冲过来推|动手打|打了(?:我|他|她|人|保安|柜员)(?!.{0,2}电话)|打人|扇了|踢了(?!.{0,4}皮球)|用脚踢|"
    r"揪住|拉扯|拽着|扭|抓伤|掐住|一把(?:把我的?)?(?:手机)?(?:抢|夺)|抢(?:走|过去)|砸到|砸在|砸坏|砸碎|"
    r"摔了(?!一跤|个跟头)|往桌上一摔|摔在|摔东西|扔(?:进|出|了|到|在)|甩(?:出来|进|在|了出来)|撕了|掀了|掀翻|"
    r"扫到了?地上|拍了桌子|拍桌子|拍着桌子|大吼大叫|冲我吼|对我吼|吼了|大声吼|吼我|大喊大叫|大吵大闹|大闹|吵闹|"
    r"坐到晚上|坐了一整夜|一直坐到|赖着不走|不肯走|不肯离开|拒绝离开|拒不离开|都没走|不走|拖到了?门外|"
    r"被保安(?:劝离|劝出|请出|带走|拉走)|保安(?:把他|把我)?(?:劝出|劝离|请出)|后被保安|报警后离开|"
    r"shov(?:ed|ing)|pushed (?:me|him|her)|hit (?:me|him|her|the)|threw|smashed|slammed|shouted at|yelled at|"
    r"grabbed|refused to leave"
)
_NOT_AN_ACT = re.compile(
    r"想|恨不得|差点|差一点|真想|就想|忍住|忍了|要不是|如果|假如|要是|没喊|没闹|没动手|没摔|没砸|没有动手|"
    r"在家|家里|电话里|电话那头|机器|补登机|would|wanted to|felt like|almost"
)
# A threat of what they will do is malicious, not an act on site.
_THREAT = re.compile(r"我就|就把|就去|就在|不然|否则|再不|不给我?|不赔|不退|明天|说到做到|要是不|i will")
_ANY_MACHINE_STUCK = re.compile(r"(?:机|机器|打印|出纸).{0,8}不走")


def detect(document: Document) -> Detection | None:
    for sentence in sentences(document.text):
        if _THREAT.search(sentence):
            continue
        for clause in re.split(r"[,:]", sentence):
            found = _ACT.search(clause)
            if found and not _NOT_AN_ACT.search(clause) and not _ANY_MACHINE_STUCK.search(clause):
                return Detection(Flag.AGGRESSIVE, (found.group(),))
    return None
