"""One small form per case action: which fields it shows, and how a submission becomes its body.

The bodies are the API's (complaints.schemas.actions), so the console and the API validate
alike; the acting person is always the one signed in.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from starlette.datastructures import FormData

from complaints.domain.lifecycle import Action, allowed_actions
from complaints.domain.vocabulary import (
    BusinessType,
    CardKind,
    Cause,
    EscalationLevel,
    Flag,
    Outcome,
    RefusalGround,
    Satisfaction,
    Status,
    Verdict,
)
from complaints.errors import InvalidInput
from complaints.schemas.actions import (
    AcceptBody,
    ActionBody,
    CallbackBody,
    CloseBody,
    ContactBody,
    EscalateBody,
    ExtendBody,
    MergeBody,
    NotesBody,
    PauseBody,
    ReclassifyBody,
    RefuseBody,
    ReopenBody,
    ResolveBody,
    ResumeBody,
    ReturnBody,
    TransferBody,
    WithdrawBody,
)


class Kind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    SELECT = "select"
    DATETIME = "datetime"
    NUMBER = "number"
    CHECKBOXES = "checkboxes"  # several of `options`; the body gets a list


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    options: tuple[str, ...] = ()
    # Which of i18n.LABELS names the options.
    labels: str = "option"


def _choice(name: str, values: type[StrEnum], *, labels: str = "option") -> Field:
    return Field(name, Kind.SELECT, tuple(value.value for value in values), labels)


# What a person may say holds; needs_triage is the classifier's, and a reclassification removes it.
_STATED_FLAGS = tuple(flag.value for flag in Flag if flag is not Flag.NEEDS_TRIAGE)


BODIES: Final[Mapping[Action, type[ActionBody]]] = {
    Action.ACCEPT: AcceptBody,
    Action.NOTES: NotesBody,
    Action.CONTACT: ContactBody,
    Action.TRANSFER: TransferBody,
    Action.RECLASSIFY: ReclassifyBody,
    Action.RETURN: ReturnBody,
    Action.ESCALATE: EscalateBody,
    Action.EXTEND: ExtendBody,
    Action.PAUSE: PauseBody,
    Action.RESUME: ResumeBody,
    Action.RESOLVE: ResolveBody,
    Action.CALLBACK: CallbackBody,
    Action.REOPEN: ReopenBody,
    Action.WITHDRAW: WithdrawBody,
    Action.REFUSE: RefuseBody,
    Action.MERGE: MergeBody,
    Action.CLOSE: CloseBody,
}

REASON = Field("reason", Kind.TEXTAREA)
# The fields each action's form shows, besides the optional or required reason.
FIELDS: Final[Mapping[Action, tuple[Field, ...]]] = {
    Action.ACCEPT: (),
    Action.NOTES: (Field("text", Kind.TEXTAREA),),
    Action.CONTACT: (Field("summary", Kind.TEXTAREA), Field("promised_reply_at", Kind.DATETIME)),
    Action.TRANSFER: (Field("unit", Kind.SELECT), REASON),
    Action.RECLASSIFY: (
        _choice("business_type", BusinessType, labels="business_type"),
        _choice("cause", Cause, labels="cause"),
        _choice("card", CardKind),
        Field("flags", Kind.CHECKBOXES, _STATED_FLAGS, labels="flag"),
        REASON,
    ),
    Action.RETURN: (REASON,),
    Action.ESCALATE: (_choice("level", EscalationLevel), REASON),
    Action.EXTEND: (
        Field("days", Kind.SELECT, ("30", "60")),
        Field("approver", Kind.TEXT),
        Field("complainant_notified_at", Kind.DATETIME),
        REASON,
    ),
    Action.PAUSE: (
        Field("waiting_for", Kind.SELECT, ("customer", "appraisal")),
        Field("until", Kind.DATETIME),
    ),
    Action.RESUME: (),
    Action.RESOLVE: (
        _choice("outcome", Outcome),
        _choice("verdict", Verdict),
        Field("reply", Kind.TEXTAREA),
        Field("amount", Kind.NUMBER),
    ),
    Action.CALLBACK: (_choice("satisfaction", Satisfaction), Field("notes", Kind.TEXTAREA)),
    Action.REOPEN: (REASON,),
    Action.WITHDRAW: (REASON,),
    Action.REFUSE: (_choice("ground", RefusalGround), REASON, Field("reply", Kind.TEXTAREA)),
    Action.MERGE: (Field("into", Kind.TEXT), REASON),
    Action.CLOSE: (),
}


@dataclass(frozen=True)
class ShownField:
    field: Field
    required: bool
    options: tuple[str, ...]


@dataclass(frozen=True)
class ActionForm:
    action: Action
    fields: tuple[ShownField, ...]


def forms_for(status: Status, *, units: Sequence[str]) -> list[ActionForm]:
    """A form for every action a person may take on a case in `status` (not the system's steps)."""
    forms = []
    for action in allowed_actions(status):
        if action not in BODIES:
            continue
        model = BODIES[action].model_fields
        shown = tuple(
            ShownField(
                field,
                required=model[field.name].is_required(),
                options=tuple(units) if field.name == "unit" else field.options,
            )
            for field in FIELDS[action]
        )
        forms.append(ActionForm(action, shown))
    return forms


def parse(action: Action, form: FormData, *, actor: str, zone: ZoneInfo) -> ActionBody:
    """The action's body from the submitted fields; empty fields are left out."""
    data: dict[str, object] = {"actor": actor}
    for field in FIELDS[action]:
        if field.kind is Kind.CHECKBOXES:
            chosen = [value.strip() for value in form.getlist(field.name) if isinstance(value, str)]
            data[field.name] = [value for value in chosen if value]
            continue
        raw = form.get(field.name)
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            continue
        if field.kind is Kind.DATETIME:
            try:
                # The browser's datetime-local carries no zone: it is the organisation's.
                data[field.name] = datetime.fromisoformat(value).replace(tzinfo=zone)
            except ValueError as error:
                raise InvalidInput(f"{field.name} is not a date and time", field=field.name) from error
        elif field.name == "days":
            data[field.name] = int(value) if value.isdigit() else value
        else:
            data[field.name] = value
    try:
        return BODIES[action].model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        raise InvalidInput(f"{where}: {problem['msg']}", field=where) from error
