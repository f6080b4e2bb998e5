"""The versioned mapping from our categories to the codes of JR/T 0169-2018 (jrt0169_2018.yaml).

B (business type) and C (cause) map one to one from our vocabulary. A is the channel through
which the disputed business was conducted (our `Channel` is how the complaint arrived, not A).
The understanding core reads it from the complaint as a `BusinessChannel`, which maps one to one;
a case without one (classified before, or by a submitter's own categories) has A derived by the
mapping's rules, first match wins, and a case no rule matches takes the default code, which the
export reports as such.
Codes are hierarchical: a code's parent is the longest other code of its dimension it begins
with, so `A10301` counts towards `A103` and `A1`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from complaints.domain.vocabulary import BusinessChannel, BusinessType, Cause

MAPPING_FILE = Path(__file__).with_name("jrt0169_2018.yaml")

Name = Annotated[str, Field(min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelRule(_Strict):
    """Every condition given must hold; a list holds when the case's value is any of it."""

    name: Name
    business_types: frozenset[BusinessType] | None = None
    causes: frozenset[Cause] | None = None
    branch: bool | None = None  # the case names a branch or outlet
    code: str

    def matches(self, *, business_type: BusinessType | None, cause: Cause | None, has_branch: bool) -> bool:
        return (
            (self.business_types is None or business_type in self.business_types)
            and (self.causes is None or cause in self.causes)
            and (self.branch is None or self.branch == has_branch)
        )


@dataclass(frozen=True)
class Codes:
    """The A, B and C codes of one case, and whether its A code is the default's."""

    channel: str
    business_type: str
    cause: str
    channel_defaulted: bool


class CodeMapping(_Strict):
    version: str = Field(pattern=r"^jrt0169-2018/[1-9][0-9]*$")
    standard: Name
    channels: dict[Annotated[str, Field(pattern=r"^A[0-9]+$")], Name]
    business_types: dict[Annotated[str, Field(pattern=r"^B[0-9]+$")], Name]
    causes: dict[Annotated[str, Field(pattern=r"^C[0-9]+$")], Name]
    business_type_codes: dict[BusinessType, str]
    cause_codes: dict[Cause, str]
    business_channel_codes: dict[BusinessChannel, str]
    channel_rules: list[ChannelRule]
    channel_default: str

    @model_validator(mode="after")
    def complete(self) -> Self:
        for what, members, mapped in (
            ("business_type_codes", set(BusinessType), self.business_type_codes),
            ("cause_codes", set(Cause), self.cause_codes),
            ("business_channel_codes", set(BusinessChannel), self.business_channel_codes),
        ):
            missing = sorted(members - set(mapped))
            if missing:
                raise ValueError(f"{what} must map every member; missing: {', '.join(missing)}")
        references = [
            *(("business_types", code) for code in self.business_type_codes.values()),
            *(("causes", code) for code in self.cause_codes.values()),
            *(("channels", code) for code in self.business_channel_codes.values()),
            *(("channels", rule.code) for rule in self.channel_rules),
            ("channels", self.channel_default),
        ]
        for dimension, code in references:
            if code not in getattr(self, dimension):
                raise ValueError(f"{code!r} is not one of the codes under `{dimension}`")
        return self

    def codes_of(
        self,
        *,
        business_type: BusinessType | None,
        cause: Cause | None,
        has_branch: bool,
        business_channel: BusinessChannel | None = None,
    ) -> Codes:
        """A case not yet classified counts as `other`; the A rules see it unclassified.

        A read `business_channel` gives A directly; only without one do the rules derive it."""
        if business_channel is not None:
            return Codes(
                channel=self.business_channel_codes[business_channel],
                business_type=self.business_type_codes[business_type or BusinessType.OTHER],
                cause=self.cause_codes[cause or Cause.OTHER],
                channel_defaulted=False,
            )
        channel = next(
            (
                rule.code
                for rule in self.channel_rules
                if rule.matches(business_type=business_type, cause=cause, has_branch=has_branch)
            ),
            None,
        )
        return Codes(
            channel=channel or self.channel_default,
            business_type=self.business_type_codes[business_type or BusinessType.OTHER],
            cause=self.cause_codes[cause or Cause.OTHER],
            channel_defaulted=channel is None,
        )

    def dimension(self, letter: str) -> Mapping[str, str]:
        """Code → name of dimension A, B or C, in the file's order."""
        return {"A": self.channels, "B": self.business_types, "C": self.causes}[letter]

    def name(self, code: str) -> str:
        return self.dimension(code[0])[code]

    def lineage(self, code: str) -> list[str]:
        """The code and every ancestor of it, outermost first."""
        return sorted((other for other in self.dimension(code[0]) if code.startswith(other)), key=len)

    def depth(self, code: str) -> int:
        """0 for a top-level code."""
        return len(self.lineage(code)) - 1


def parse_mapping(text: str) -> CodeMapping:
    return CodeMapping.model_validate(yaml.safe_load(text))


@cache
def current_mapping() -> CodeMapping:
    """The mapping shipped with the package (read once per process)."""
    return parse_mapping(MAPPING_FILE.read_text(encoding="utf-8"))
