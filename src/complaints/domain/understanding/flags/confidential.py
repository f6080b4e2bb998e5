"""Confidentiality requested in the text: keep the complainant's identity or the complaint from
the branch, the staff complained about, or their family ("请不要告诉网点是我投诉的", "别让客户经理
知道", "千万别往我家里打电话", "please keep my name out of it"). Saying one does not mind being
known ("我不怕你们知道是我投诉的") is no request.
"""

import re

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags.common import Detection, sentences
from complaints.domain.vocabulary import Flag

_REQUEST = re.compile(
    r"(?:不要|别|勿|不能)(?:让|告诉|透露|跟.{0,6}说|对.{0,6}说|通知|把).{0,16}?(?:知道|是我|我的名字|我的身份|我的姓名|我投诉|我反映|我举报|这件事告诉|"
    r"投诉内容|投诉转|名字告诉)|"
    r"(?:不要|别)(?:再)?把(?:我的)?投诉转(?:给|到)|"
    r"(?:为我|替我|帮我|给我)?保密|匿名|不方便透露(?:姓名|身份|名字)|不要透露我|别透露我|"
    r"(?:千万|一定|务必|请)?(?:别|不要)往我家(?:里)?打电话|"
    r"keep (?:my name|me|this|it) (?:out|anonymous|confidential)|anonymous|confidential|"
    r"(?:don't|do not) tell (?:the branch|my|anyone|them)"
)
_NOT_A_REQUEST = re.compile(
    r"不怕|无所谓|不用保密|不需要保密|随便登记|你们的保密|保密工作|保密协议|应该要保密|匿名信|刷卡被拒"
)


def detect(document: Document) -> Detection | None:
    for sentence in sentences(document.text):
        found = _REQUEST.search(sentence)
        if found and not _NOT_A_REQUEST.search(sentence):
            return Detection(Flag.CONFIDENTIAL, (found.group(),))
    return None
