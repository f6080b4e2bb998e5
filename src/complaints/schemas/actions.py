"""Bodies of `POST /v1/complaints/{case_number}/{action}` (API.md, "Cases").

Every body may name the acting handler (`actor`, a staff id from the configured people); without
it the API key's name is recorded. `reason` is required where API.md requires it: transfer,
reclassify, return, escalate, extend, reopen, withdraw and refuse.
"""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from complaints.domain.vocabulary import (
    BusinessType,
    CardKind,
    Cause,
    EscalationLevel,
    Flag,
    Outcome,
    RefusalGround,
    Satisfaction,
    Verdict,
)
from complaints.schemas.complaint import Code, Strict

# Text Postgres can hold: no NUL characters (the pattern tells generated clients and fuzzers).
NO_NUL = r"^[^\x00]*$"
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000, pattern=NO_NUL)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000, pattern=NO_NUL)
]
CaseNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,32}$")]


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class ActionBody(Strict):
    actor: Code | None = Field(
        default=None, description="The acting handler's staff id; defaults to the API key's name."
    )
    reason: Reason | None = Field(default=None, description="Why; recorded on the event.")


class NeedsReason(ActionBody):
    reason: Reason = Field(description="Why; required for this action and recorded on the event.")


class AcceptBody(ActionBody):
    model_config = _examples({"actor": "CC001"})


class NotesBody(ActionBody):
    """An internal note: never shown to the complainant or to the person complained about."""

    model_config = _examples({"actor": "CC001", "text": "客户称扣费短信未收到，需调取短信发送记录。"})

    text: LongText


class ContactBody(ActionBody):
    """The first contact with the complainant is the first response; a promise made on the
    call (`promised_reply_at`) becomes a tracked `promise` deadline with warnings."""

    model_config = _examples(
        {
            "actor": "CC001",
            "summary": "已致电客户，说明正在核查年费收取依据。",
            "promised_reply_at": "2026-11-25T18:00:00+08:00",
        }
    )

    summary: LongText
    promised_reply_at: AwareDatetime | None = Field(
        default=None, description="When we promised the complainant a reply; tracked like any clock."
    )


class TransferBody(NeedsReason):
    model_config = _examples({"actor": "CC001", "unit": "HQ-OPS", "reason": "属于ATM设备收费问题"})

    unit: Code = Field(description="The org unit code the case moves to.")
    misrouted: bool = Field(
        default=False,
        description="True when the transfer corrects a wrong routing (the case should never have come "
        "to this unit): the target unit is then a label the classifier's trainer learns from.",
    )


class ReclassifyBody(NeedsReason):
    """A person corrects what the complaint is about; routing is evaluated again on the correction."""

    model_config = _examples(
        {
            "actor": "CP020",
            "business_type": "bank_cards",
            "cause": "fees",
            "card": "credit",
            "flags": ["repeat"],
            "reason": "客户投诉信用卡年费，并称已第二次反映",
        }
    )

    business_type: BusinessType
    cause: Cause
    flags: list[Flag] = Field(
        default=[],
        max_length=len(Flag),
        description="Every flag that holds for the complaint as the person reads it. It replaces the "
        "flags read from the text; the flags the case's record sets (regulator_referred for a "
        "regulator referral, media for the media channel, confidential when the form asked for it) "
        "stay whatever this says. `needs_triage` cannot be given: a reclassification removes it.",
    )
    card: CardKind | None = Field(
        default=None,
        description="Which card, for business_type `bank_cards` only (422 otherwise): credit cards "
        "belong to the card centre, a debit card is an account at an outlet.",
    )

    @field_validator("flags")
    @classmethod
    def _no_triage(cls, flags: list[Flag]) -> list[Flag]:
        if Flag.NEEDS_TRIAGE in flags:
            raise ValueError("needs_triage is what a reclassification removes; it cannot be given")
        return sorted(set(flags))

    @field_validator("card")
    @classmethod
    def _only_for_cards(cls, card: CardKind | None, info: ValidationInfo) -> CardKind | None:
        if card is not None and info.data.get("business_type") not in (None, BusinessType.BANK_CARDS):
            raise ValueError("card is for business_type bank_cards only")
        return card


class ReturnBody(NeedsReason):
    """退回重办: the proposal goes back to the handler for rework."""

    model_config = _examples({"actor": "CP010", "reason": "答复未回应客户退费诉求，请补充核查"})


class EscalateBody(NeedsReason):
    model_config = _examples({"actor": "CC001", "reason": "客户情绪激动，要求领导处理"})

    level: EscalationLevel | None = Field(
        default=None, description="A named rung of the ladder; by default one level up."
    )


class ExtendBody(NeedsReason):
    """The regulatory backstop: 15 days → 30 (unit manager or above approves) → 60 (the
    consumer-protection head or leadership approves); the complainant is told each time."""

    model_config = _examples(
        {
            "actor": "OP001",
            "days": 30,
            "approver": "OP010",
            "complainant_notified_at": "2026-11-30T10:00:00+08:00",
            "reason": "需调取第三方清算机构记录，案情复杂",
        }
    )

    days: Literal[30, 60] = Field(description="The regulatory period in total after extension.")
    approver: Code = Field(description="Staff id of the approver (a configured person).")
    complainant_notified_at: AwareDatetime = Field(description="When the complainant was told.")


class PauseBody(ActionBody):
    """Waiting on the customer or an external appraisal: the time is excluded from the clocks."""

    model_config = _examples(
        {"actor": "CC001", "waiting_for": "customer", "until": "2026-11-28T18:00:00+08:00"}
    )

    waiting_for: Literal["customer", "appraisal"] = "customer"
    until: AwareDatetime | None = Field(default=None, description="When the wait is expected to end.")


class ResumeBody(ActionBody):
    model_config = _examples({"actor": "CC001", "reason": "客户已补充材料"})


class ResolveBody(ActionBody):
    model_config = _examples(
        {
            "actor": "OP001",
            "outcome": "compensation",
            "verdict": "valid",
            "reply": "经核查年费收取有误，已全额退还。",
            "amount": "200.00",
        }
    )

    outcome: Outcome
    verdict: Verdict
    reply: LongText = Field(description="The proposal as sent to the complainant.")
    amount: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2)] | None = Field(
        default=None, description="Refund or compensation paid; required with outcome `compensation`."
    )


class CallbackBody(ActionBody):
    """回访: a dissatisfied complainant reopens the case and it goes to the unit manager."""

    model_config = _examples({"actor": "CP001", "satisfaction": "satisfied", "notes": "客户表示认可"})

    satisfaction: Satisfaction
    notes: LongText | None = None


class ReopenBody(NeedsReason):
    """New facts: the resolution and regulatory clocks start again."""

    model_config = _examples({"actor": "CC001", "reason": "客户提供新的扣费凭证"})


class WithdrawBody(NeedsReason):
    model_config = _examples({"actor": "CC001", "reason": "客户来电撤回投诉"})


class RefuseBody(NeedsReason):
    model_config = _examples(
        {
            "actor": "CP001",
            "ground": "in_litigation",
            "reason": "该争议已进入诉讼程序",
            "reply": "您反映的事项已由法院受理，本行不再按投诉处理。",
        }
    )

    ground: RefusalGround
    reply: LongText | None = Field(
        default=None, description="The refusal as sent to the complainant; defaults to the reason."
    )


class MergeBody(ActionBody):
    model_config = _examples({"actor": "CP001", "into": "TS20261123000001", "reason": "同一事项重复投诉"})

    into: CaseNumber = Field(description="The case that carries on; both histories are kept.")


class CloseBody(ActionBody):
    model_config = _examples({"actor": "CP001"})
