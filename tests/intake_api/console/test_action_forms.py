"""The console's action forms come from the actions registry: a new action needs no form of its own."""

from datetime import datetime

from complaints.domain.lifecycle import Action
from complaints.domain.vocabulary import Satisfaction
from complaints.handling.actions import ACTIONS, SPECS
from complaints.schemas.actions import ActionBody
from intake_api.console import forms


class Survey(ActionBody):
    """A body no form was written for."""

    satisfaction: Satisfaction
    called_at: datetime
    attempts: int
    reason: str
    caller: str | None = None


def test_every_registered_action_has_a_route_name_and_a_body() -> None:
    assert [spec.action for spec in ACTIONS] == list(SPECS)
    assert len({spec.operation_id for spec in ACTIONS}) == len(ACTIONS)


def test_a_body_without_a_written_form_gets_one_field_per_body_field_by_type() -> None:
    derived = {field.name: field for field in forms.derived_fields(Survey)}

    assert set(derived) == {"satisfaction", "called_at", "attempts", "reason", "caller"}
    assert derived["satisfaction"].kind is forms.Kind.SELECT
    assert derived["satisfaction"].options == tuple(s.value for s in Satisfaction)
    assert derived["called_at"].kind is forms.Kind.DATETIME
    assert derived["attempts"].kind is forms.Kind.NUMBER
    assert derived["reason"].kind is forms.Kind.TEXTAREA
    assert derived["caller"].kind is forms.Kind.TEXT


def test_a_written_form_keeps_its_order() -> None:
    assert [field.name for field in forms.fields_of(Action.CONTACT)] == ["summary", "promised_reply_at"]
