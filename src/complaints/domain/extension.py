"""Who may extend the regulatory period (DOMAIN.md, "Deadlines"), plain values in and out."""

from typing import Final

from complaints.domain.vocabulary import Role

# The regulatory backstop (CBIRC 2020 No. 3): 15 days, complex cases to 30 with approval,
# especially complex ones to 60 with senior approval.
EXTENSION_APPROVERS: Final[dict[int, frozenset[Role]]] = {
    30: frozenset({Role.MANAGER, Role.CONSUMER_PROTECTION_HEAD, Role.LEADERSHIP}),
    60: frozenset({Role.CONSUMER_PROTECTION_HEAD, Role.LEADERSHIP}),
}


def may_approve_extension(role: Role, *, total_days: int) -> bool:
    """30 days: the unit manager or above; 60 days: the consumer-protection head or leadership."""
    return role in EXTENSION_APPROVERS.get(total_days, frozenset())
