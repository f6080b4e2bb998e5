"""Who may extend the regulatory period."""

import pytest

from complaints.domain.extension import may_approve_extension
from complaints.domain.vocabulary import Role


@pytest.mark.parametrize(
    ("role", "thirty", "sixty"),
    [
        (Role.HANDLER, False, False),
        (Role.A_ROLE, False, False),
        (Role.B_ROLE, False, False),
        (Role.MANAGER, True, False),
        (Role.CONSUMER_PROTECTION_HEAD, True, True),
        (Role.LEADERSHIP, True, True),
    ],
)
def test_who_may_approve_an_extension(role: Role, thirty: bool, sixty: bool) -> None:
    assert may_approve_extension(role, total_days=30) is thirty
    assert may_approve_extension(role, total_days=60) is sixty
    assert may_approve_extension(role, total_days=45) is False
