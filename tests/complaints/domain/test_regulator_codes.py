"""The shipped mapping to JR/T 0169-2018 codes: complete, consistent, and how A is derived."""

import pytest
import yaml
from pydantic import ValidationError

from complaints.domain.regulator_codes import MAPPING_FILE, Codes, current_mapping, parse_mapping
from complaints.domain.vocabulary import BusinessType, Cause


def test_the_shipped_mapping_is_versioned_and_maps_every_business_type_and_cause() -> None:
    mapping = current_mapping()

    assert mapping.version == "jrt0169-2018/1"
    assert set(mapping.business_type_codes) == set(BusinessType)
    assert set(mapping.cause_codes) == set(Cause)
    assert all(code in mapping.business_types for code in mapping.business_type_codes.values())
    assert all(code in mapping.causes for code in mapping.cause_codes.values())
    assert mapping.channel_default in mapping.channels


def test_names_follow_the_standard() -> None:
    mapping = current_mapping()

    assert mapping.name(mapping.business_type_codes[BusinessType.DEPOSITS]) == "人民币储蓄"
    assert mapping.name(mapping.business_type_codes[BusinessType.OTHER]) == "其他"
    assert mapping.name(mapping.cause_codes[Cause.FEES]) == "定价收费"
    assert mapping.name(mapping.cause_codes[Cause.OTHER]) == "其他"
    assert mapping.name("A101") == "营业现场"
    assert mapping.name("A2") == "中、后台业务渠道"


@pytest.mark.parametrize(
    ("business_type", "cause", "has_branch", "expected"),
    [
        # e-banking business, even at a branch: 电子渠道
        (BusinessType.E_BANKING, Cause.SERVICE, True, Codes("A103", "B99", "C01", False)),
        # an ATM-ish fault: 自助机具, before the branch rule
        (BusinessType.CASH, Cause.FACILITIES, True, Codes("A102", "B05", "C02", False)),
        (BusinessType.BANK_CARDS, Cause.FACILITIES, False, Codes("A102", "B03", "C02", False)),
        # facilities of a loan are not a machine: the branch decides
        (BusinessType.LOANS, Cause.FACILITIES, True, Codes("A101", "B02", "C02", False)),
        (BusinessType.DEPOSITS, Cause.SERVICE, True, Codes("A101", "B01", "C01", False)),
        # nothing says where: the default, reported as such
        (BusinessType.LOANS, Cause.FEES, False, Codes("A199", "B02", "C11", True)),
        # not classified yet: other, other
        (None, None, False, Codes("A199", "B99", "C99", True)),
    ],
)
def test_a_is_derived_first_match_wins(
    business_type: BusinessType | None, cause: Cause | None, has_branch: bool, expected: Codes
) -> None:
    codes = current_mapping().codes_of(business_type=business_type, cause=cause, has_branch=has_branch)

    assert codes == expected


def test_a_code_counts_towards_its_ancestors() -> None:
    mapping = current_mapping()

    assert mapping.lineage("A10301") == ["A1", "A103", "A10301"]
    assert mapping.lineage("B0302") == ["B03", "B0302"]
    assert mapping.lineage("B10") == ["B10"]
    assert (mapping.depth("A1"), mapping.depth("A199"), mapping.depth("A10399")) == (0, 1, 2)


def _shipped() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))
    return loaded


def test_a_mapping_missing_a_member_is_refused() -> None:
    data = _shipped()
    causes = dict(data["cause_codes"])  # type: ignore[call-overload]
    del causes["fees"]

    with pytest.raises(ValidationError, match="missing: fees"):
        parse_mapping(yaml.safe_dump({**data, "cause_codes": causes}, allow_unicode=True))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("channel_default", "A9", "'A9' is not one of the codes under `channels`"),
        ("version", "v2", "String should match pattern"),
        ("channel_rules", [{"name": "x", "branch": True, "code": "B01"}], "'B01' is not one of the codes"),
        ("channel_rules", [{"name": "x", "causes": ["rudeness"], "code": "A101"}], "Input should be"),
    ],
)
def test_a_mapping_naming_what_does_not_exist_is_refused(key: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_mapping(yaml.safe_dump({**_shipped(), key: value}, allow_unicode=True))
