"""What the channel adapters share per process: the intake context, the rulebook cache."""

from typing import Annotated

from fastapi import Depends, Request

from complaints.configuration.rulebook import RulebookCache
from complaints.intake.inbound import ChannelIntake
from complaints.settings import Settings


def get_channel_intake(request: Request) -> ChannelIntake:
    """Built on first use (it may create the identity key under data_dir), then kept."""
    state = request.app.state
    intake: ChannelIntake | None = getattr(state, "channel_intake", None)
    if intake is None:
        settings: Settings = state.settings
        intake = state.channel_intake = ChannelIntake.from_settings(settings)
    return intake


def get_rulebooks(request: Request) -> RulebookCache:
    state = request.app.state
    rulebooks: RulebookCache | None = getattr(state, "rulebooks", None)
    if rulebooks is None:
        settings: Settings = state.settings
        rulebooks = state.rulebooks = RulebookCache(settings.zone)
    return rulebooks


ChannelIntakeDep = Annotated[ChannelIntake, Depends(get_channel_intake)]
RulebooksDep = Annotated[RulebookCache, Depends(get_rulebooks)]
