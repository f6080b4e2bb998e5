"""Cases the classifier could not place, and a person's correction of what a complaint is about.

A reclassification replaces what was read from the complaint's words (business type, cause, the
flags of its text) with what a person says; the flags that the case's record sets stay, whatever
either of them says, and `needs_triage` goes: the case is classified now.
"""

import dataclasses
from collections.abc import Iterable, Sequence

from complaints.domain.routing import RoutingDecision
from complaints.domain.vocabulary import Channel, Flag, Source

# Flags a person's reading of the text decides; the others follow from the case's record or its
# handling (regulator_referred, cross_department) or from the classifier (needs_triage).
TEXT_FLAGS = frozenset(
    {
        Flag.REPEAT,
        Flag.GROUP,
        Flag.MEDIA,
        Flag.VIP,
        Flag.INFORMATION_SECURITY,
        Flag.MALICIOUS,
        Flag.AGGRESSIVE,
        Flag.CONFIDENTIAL,
    }
)


def record_flags(*, confidential: bool, channel: Channel, source: Source) -> frozenset[Flag]:
    """Flags the case's record sets, not its words: a confidentiality request in the form, a
    referral by the regulator, a complaint that came through the media."""
    flags: set[Flag] = set()
    if confidential:
        flags.add(Flag.CONFIDENTIAL)
    if source == Source.REGULATOR or channel == Channel.REGULATOR:
        flags.add(Flag.REGULATOR_REFERRED)
    if channel == Channel.MEDIA:
        flags.add(Flag.MEDIA)
    return frozenset(flags)


def reclassified_flags(stated: Iterable[Flag], *, record: frozenset[Flag]) -> frozenset[Flag]:
    """The case's flags after a reclassification: what the person said holds, plus what the
    record sets; never `needs_triage`."""
    return (frozenset(stated) | record) - {Flag.NEEDS_TRIAGE}


TRIAGE_RULE = "triage"


def to_triage(decision: RoutingDecision, *, default_unit: str, doubts: Sequence[str]) -> RoutingDecision:
    """A case the classifier cannot place with confidence goes to the default unit's triage,
    marked as such (DOMAIN.md), rather than to the unit its best guess would pick; the guess is
    kept in the reason for the person who sorts it. Severity floors still hold."""
    guess = f"best guess: {decision.reason}"
    return dataclasses.replace(
        decision,
        rule=TRIAGE_RULE,
        unit=default_unit,
        reason=f"triage ({'; '.join(doubts) or 'low confidence'}) → {default_unit}; {guess}",
    )
