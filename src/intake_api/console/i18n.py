"""The console's two languages: Chinese by default, English on request (kept in a cookie).

The public form shows both languages side by side; staff read one, chosen with the switch in
the page header. Every word the console shows is here, keyed, so a missing one is plain.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from fastapi import Request

LANG_COOKIE = "complaints_console_lang"
LANGUAGES: Final = ("zh", "en")

TEXT: Final[Mapping[str, tuple[str, str]]] = {
    "console": ("投诉处理工作台", "Complaints console"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "staff_id": ("工号", "Staff ID"),
    "password": ("密码", "Password"),
    "bad_login": ("工号或密码错误", "Wrong staff ID or password"),
    "too_many": ("尝试次数过多，请稍后再试", "Too many attempts; please try again later"),
    "expired": ("页面已过期，请重试", "The page expired; please try again"),
    "queue": ("工作队列", "Work queue"),
    "dashboard": ("统计看板", "Dashboard"),
    "tab_mine": ("我的案件", "Mine"),
    "tab_unit": ("本部门", "My unit"),
    "tab_about_to_breach": ("即将超时", "About to breach"),
    "tab_overdue": ("已超时", "Overdue"),
    "tab_to_classify": ("待分类", "To classify"),
    "case_number": ("投诉编号", "Case number"),
    "status": ("状态", "Status"),
    "severity": ("等级", "Severity"),
    "business_type": ("业务类型", "Business type"),
    "cause": ("投诉原因", "Cause"),
    "flags": ("标记", "Flags"),
    "channel": ("渠道", "Channel"),
    "unit": ("承办部门", "Unit"),
    "assignee": ("承办人", "Assignee"),
    "next_due": ("最近时限", "Next due"),
    "remaining": ("剩余时间", "Remaining"),
    "no_cases": ("没有案件", "No cases"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "page": ("第 {0} / {1} 页", "Page {0} of {1}"),
    "summary": ("案件概要", "Summary"),
    "received_at": ("受理时间", "Received"),
    "branch": ("涉及网点", "Branch"),
    "content": ("投诉内容", "What happened"),
    "demand": ("客户诉求", "Demand"),
    "complainant": ("投诉人（已脱敏）", "Complainant (masked)"),
    "name": ("姓名", "Name"),
    "phone": ("手机号码", "Phone"),
    "email": ("电子邮箱", "E-mail"),
    "customer_no": ("客户号", "Customer number"),
    "clocks": ("办理时限", "Clocks"),
    "clock": ("时限", "Clock"),
    "state": ("状态", "State"),
    "due": ("到期时间", "Due"),
    "events": ("处理记录", "Events"),
    "at": ("时间", "When"),
    "actor": ("操作人", "By"),
    "event": ("事项", "What"),
    "reason": ("原因", "Reason"),
    "actions": ("可执行操作", "Actions"),
    "no_actions": ("当前状态下没有可执行的操作", "No action is allowed in this status"),
    "done": ("已完成操作", "Done"),
    "failed": ("操作未完成", "The action was not taken"),
    "overdue_by": ("已超时 {0}", "{0} overdue"),
    "choose": ("请选择", "Choose"),
    "not_found": ("未找到该案件", "Case not found"),
    "window": ("统计区间", "Window"),
    "volume_trend": ("投诉量趋势", "Complaint volume"),
    "timeliness": ("办理及时率", "Timeliness"),
    "satisfaction": ("回访满意度", "Callback satisfaction"),
    "pareto": ("投诉原因帕累托图", "Pareto of causes"),
    "heatmap": ("网点 × 业务类型热力图", "Branches × business types"),
    "target": ("目标", "Target"),
    "actual": ("实际", "Actual"),
    "count": ("数量", "Count"),
    "cumulative": ("累计占比", "Cumulative share"),
    "day": ("日期", "Day"),
    "week_of": ("周（起始日）", "Week of"),
    "satisfied": ("满意（含基本满意）", "Satisfied (incl. basically)"),
    "dissatisfied": ("不满意", "Dissatisfied"),
    "no_branch": ("未涉及网点", "No branch"),
    "unknown": ("未分类", "Unclassified"),
    "no_data": ("暂无数据", "No data yet"),
    "as_of": ("数据截至", "Figures as of"),
    "language": ("English", "中文"),
}

LABELS: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = {
    "status": {
        "received": ("已收到", "received"),
        "registered": ("已登记", "registered"),
        "assigned": ("已分派", "assigned"),
        "accepted": ("已受理", "accepted"),
        "in_progress": ("处理中", "in progress"),
        "paused": ("暂停计时", "paused"),
        "resolved": ("已答复", "resolved"),
        "closed": ("已办结", "closed"),
        "withdrawn": ("已撤回", "withdrawn"),
        "refused": ("不予受理", "refused"),
        "merged": ("已合并", "merged"),
    },
    "severity": {
        "general": ("一般", "general"),
        "important": ("重要", "important"),
        "urgent": ("紧急", "urgent"),
        "major": ("重大", "major"),
    },
    "business_type": {
        "deposits": ("存款储蓄", "deposits"),
        "loans": ("贷款", "loans"),
        "bank_cards": ("银行卡", "bank cards"),
        "payment": ("支付结算", "payment"),
        "wealth_management": ("理财及代销", "wealth management"),
        "e_banking": ("电子银行", "e-banking"),
        "cash": ("现金管理", "cash"),
        "personal_information": ("个人金融信息", "personal information"),
        "other": ("其他", "other"),
    },
    "cause": {
        "service": ("服务态度及质量", "service"),
        "facilities": ("设施设备及系统", "facilities"),
        "rules": ("制度及流程", "rules"),
        "marketing": ("营销方式", "marketing"),
        "disclosure": ("信息披露", "disclosure"),
        "product_returns": ("产品收益", "product returns"),
        "freedom_of_choice": ("自主选择权", "freedom of choice"),
        "contract_terms": ("合同条款", "contract terms"),
        "fees": ("收费定价", "fees"),
        "fund_security": ("资金安全", "fund security"),
        "information_security": ("信息安全", "information security"),
        "debt_collection": ("债务催收", "debt collection"),
        "other": ("其他", "other"),
    },
    "flag": {
        "repeat": ("重复投诉", "repeat"),
        "group": ("群体性投诉", "group"),
        "media": ("涉及媒体", "media"),
        "regulator_referred": ("监管转办", "regulator-referred"),
        "vip": ("重要客户", "VIP"),
        "information_security": ("信息安全", "information security"),
        "malicious": ("恶意投诉", "malicious"),
        "aggressive": ("过激行为", "aggressive behaviour"),
        "confidential": ("要求保密", "confidential"),
        "cross_department": ("跨部门", "cross-department"),
        "needs_triage": ("待分类", "to classify"),
    },
    "deadline": {
        "first_response": ("首次响应", "first response"),
        "resolution": ("办结", "resolution"),
        "regulatory": ("监管时限", "regulatory"),
        "callback": ("回访", "callback"),
        "promise": ("承诺答复", "promised reply"),
        "incident_report": ("事件报告", "incident report"),
        "upstream": ("上级时限", "upstream"),
    },
    "clock_state": {
        "running": ("计时中", "running"),
        "paused": ("已暂停", "paused"),
        "met": ("已达成", "met"),
        "warned": ("已预警", "warned"),
        "breached": ("已超时", "breached"),
    },
    "action": {
        "accept": ("受理", "Accept"),
        "notes": ("添加备注", "Add a note"),
        "contact": ("联系客户", "Contact"),
        "transfer": ("转办", "Transfer"),
        "reclassify": ("重新分类", "Reclassify"),
        "return": ("退回重办", "Return for rework"),
        "escalate": ("升级", "Escalate"),
        "extend": ("延期", "Extend"),
        "pause": ("暂停计时", "Pause"),
        "resume": ("恢复计时", "Resume"),
        "resolve": ("答复办结", "Resolve"),
        "callback": ("回访", "Callback"),
        "reopen": ("重新处理", "Reopen"),
        "withdraw": ("撤诉", "Withdraw"),
        "refuse": ("不予受理", "Refuse"),
        "merge": ("合并", "Merge"),
        "close": ("办结", "Close"),
    },
    "field": {
        "reason": ("原因", "Reason"),
        "text": ("备注内容", "Note"),
        "summary": ("沟通情况", "What was said"),
        "promised_reply_at": ("承诺答复时间", "Promised reply by"),
        "unit": ("转至部门", "To unit"),
        "business_type": ("业务类型", "Business type"),
        "cause": ("投诉原因", "Cause"),
        "card": ("银行卡种类", "Card"),
        "flags": ("成立的标记", "Flags that hold"),
        "level": ("升级至", "Up to"),
        "days": ("延长后总天数", "Days in total"),
        "approver": ("审批人工号", "Approver's staff ID"),
        "complainant_notified_at": ("告知客户时间", "Complainant told at"),
        "waiting_for": ("等待", "Waiting for"),
        "until": ("预计截止", "Until"),
        "outcome": ("处理结果", "Outcome"),
        "verdict": ("投诉定性", "Verdict"),
        "reply": ("答复内容", "Reply"),
        "amount": ("金额", "Amount"),
        "satisfaction": ("满意度", "Satisfaction"),
        "notes": ("回访记录", "Notes"),
        "ground": ("不予受理理由", "Ground"),
        "into": ("并入案件编号", "Into case"),
    },
    "option": {
        "customer": ("客户补充材料", "the customer"),
        "appraisal": ("外部鉴定", "an appraisal"),
        "30": ("30 天", "30 days"),
        "60": ("60 天", "60 days"),
        "credit": ("信用卡", "credit card"),
        "debit": ("借记卡", "debit card"),
        "explanation": ("解释说明", "explanation"),
        "apology": ("致歉", "apology"),
        "compensation": ("退款/赔偿", "refund or compensation"),
        "process_fix": ("流程改进", "process fix"),
        "system_fix": ("系统修复", "system fix"),
        "rejected": ("不予支持", "rejected"),
        "valid": ("有理投诉", "valid"),
        "communication": ("沟通类", "communication"),
        "unfounded": ("无理投诉", "unfounded"),
        "satisfied": ("满意", "satisfied"),
        "basically_satisfied": ("基本满意", "basically satisfied"),
        "dissatisfied": ("不满意", "dissatisfied"),
        "in_litigation": ("已进入诉讼/仲裁", "in litigation or arbitration"),
        "criminal_matter": ("涉及刑事案件", "a criminal matter"),
        "civil_dispute": ("民事纠纷", "a civil dispute"),
        "no_direct_interest": ("无直接利害关系", "no direct interest"),
        "no_clear_facts": ("无明确对象或事实", "no clear target or facts"),
        "anonymous": ("匿名", "anonymous"),
        "already_handled": ("已处理完毕", "already handled"),
        "out_of_scope": ("不属于受理范围", "out of scope"),
        "handler": ("承办人", "handler"),
        "unit_manager": ("部门负责人", "unit manager"),
        "consumer_protection_head": ("消保负责人", "consumer-protection head"),
        "leadership": ("行领导", "leadership"),
    },
}


@dataclass(frozen=True)
class Words:
    """What templates call: `t('key')`, `label('status', value)`."""

    lang: str

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "zh" else pair[1]

    def t(self, key: str, *args: object) -> str:
        return self._pick(TEXT[key]).format(*args)

    def label(self, kind: str, value: object) -> str:
        if value is None:
            return "—"
        pair = LABELS[kind].get(str(value))
        return self._pick(pair) if pair else str(value)

    def duration(self, seconds: int | None) -> str:
        """Time left, coarsely (days and hours, or hours and minutes); negative: overdue."""
        if seconds is None:
            return "—"
        days, rest = divmod(abs(seconds), 86400)
        hours, minutes = rest // 3600, rest % 3600 // 60
        if self.lang == "zh":
            text = f"{days}天{hours}小时" if days else f"{hours}小时{minutes}分"
        else:
            text = f"{days}d {hours}h" if days else f"{hours}h {minutes}m"
        return self.t("overdue_by", text) if seconds < 0 else text


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "zh"
