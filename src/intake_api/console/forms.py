"""One small form per case action: which fields it shows, and how a submission becomes its body.

The bodies are the API's (complaints.schemas.actions), so the console and the API validate
alike; the acting person is always the one signed in.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final, get_args
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
from complaints.handling.actions import SPECS
from complaints.schemas.actions import ActionBody


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


REASON = Field("reason", Kind.TEXTAREA)
# The fields each action's form shows, in the order a person fills them in. An action not listed
# here gets one field per field of its body (fields_of), so a new action needs no entry.
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


_LONG_TEXT = frozenset({"reason", "text", "summary", "reply", "notes"})


def _field_for(name: str, annotation: object) -> Field:
    """A form field for one body field, by its type."""
    kinds = set(get_args(annotation)) or {annotation}
    for kind in kinds:
        if isinstance(kind, type) and issubclass(kind, StrEnum):
            return _choice(name, kind)
        if kind is datetime:
            return Field(name, Kind.DATETIME)
        if kind in (int, Decimal):
            return Field(name, Kind.NUMBER)
    return Field(name, Kind.TEXTAREA if name in _LONG_TEXT else Kind.TEXT)


def derived_fields(body: type[ActionBody]) -> tuple[Field, ...]:
    """One field per field of the body (but the actor, who is the person signed in)."""
    return tuple(
        _field_for(name, info.annotation) for name, info in body.model_fields.items() if name != "actor"
    )


def fields_of(action: Action) -> tuple[Field, ...]:
    return FIELDS[action] if action in FIELDS else derived_fields(SPECS[action].body)


def forms_for(status: Status, *, units: Sequence[str]) -> list[ActionForm]:
    """A form for every action a person may take on a case in `status` (not the system's steps)."""
    forms = []
    for action in allowed_actions(status):
        if action not in SPECS:
            continue
        model = SPECS[action].body.model_fields
        shown = tuple(
            ShownField(
                field,
                required=model[field.name].is_required(),
                options=tuple(units) if field.name == "unit" else field.options,
            )
            for field in fields_of(action)
        )
        forms.append(ActionForm(action, shown))
    return forms


def parse(action: Action, form: FormData, *, actor: str, zone: ZoneInfo) -> ActionBody:
    """The action's body from the submitted fields; empty fields are left out."""
    data: dict[str, object] = {"actor": actor}
    for field in fields_of(action):
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
        return SPECS[action].body.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        raise InvalidInput(f"{where}: {problem['msg']}", field=where) from error
