"""Corrections as labels: every reclassification, and every transfer marked misrouted, read back
as examples in the corpus format for the classifier's trainer."""

import httpx

from complaints.db.engine import SessionFactory
from complaints.domain.events import EventKind
from complaints.routing.corrections import Corrected, correction_examples, example, latest_per_case
from complaints.settings import Settings
from tests.intake_api.handling import needing_triage, ok, routed

CARD_FEE = {"business_type": "bank_cards", "cause": "fees", "card": "credit", "reason": "信用卡年费争议"}


async def test_corrections_become_labels_in_the_corpus_format(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    triaged = await needing_triage(client, settings, sessions, content="我的卡被扣了年费", demand="退钱")
    await ok(client, triaged, "reclassify", flags=["repeat", "regulator_referred"], **CARD_FEE)
    # The submitter's wrong hint sends it to wealth management; the handler knows it is a mortgage.
    misrouted = await routed(
        client, settings, content="房贷利率调整后多扣了利息", business_type="wealth_management"
    )
    await ok(client, misrouted, "transfer", unit="HQ-LOAN", misrouted=True, reason="分错了，是房贷")
    plain = await routed(client, settings)
    await ok(client, plain, "transfer", unit="HQ-OPS", reason="工作安排")  # not a label
    twice = await routed(client, settings)
    await ok(client, twice, "transfer", unit="HQ-LOAN", misrouted=True, reason="分错了")
    await ok(client, twice, "reclassify", business_type="loans", cause="rules", reason="贷款流程")

    async with sessions() as session:
        found = {example["id"]: example for example in await correction_examples(session)}

    assert set(found) == {f"correction-{n}" for n in (triaged, misrouted, twice)}
    assert found[f"correction-{triaged}"] == {
        "id": f"correction-{triaged}",
        "text": "我的卡被扣了年费",
        "demand": "退钱",
        "branch_code": None,
        "business_type": "bank_cards",
        "card": "credit",
        "cause": "fees",
        "flags": ["repeat"],  # regulator_referred is the record's, not the text's
        "named_branch": None,
        "business_channel": None,
        "unit": "HQ-CARD",
        "tags": ["correction:reclassified"],
    }
    unit_only = found[f"correction-{misrouted}"]
    assert (unit_only["text"], unit_only["unit"], unit_only["tags"]) == (
        "房贷利率调整后多扣了利息",
        "HQ-LOAN",
        ["correction:misrouted_transfer"],
    )
    assert unit_only["business_type"] is unit_only["cause"] is unit_only["flags"] is None
    # The latest correction of a case is its label.
    assert (found[f"correction-{twice}"]["business_type"], found[f"correction-{twice}"]["cause"]) == (
        "loans",
        "rules",
    )


def corrected(number: str, kind: EventKind, **data: object) -> Corrected:
    return Corrected(number, "text", None, None, kind, data)


def test_a_misrouted_transfer_labels_the_unit_only() -> None:
    made = example(corrected("TS1", EventKind.TRANSFERRED, unit="HQ-OPS", misrouted=True))
    assert (made["unit"], made["business_type"], made["cause"], made["card"], made["flags"]) == (
        "HQ-OPS",
        None,
        None,
        None,
        None,
    )


def test_only_the_text_flags_are_labels_and_the_last_correction_wins() -> None:
    labels = {"business_type": "loans", "cause": "fees", "card": None, "flags": ["cross_department", "vip"]}
    first = corrected("TS1", EventKind.TRANSFERRED, unit="HQ-OPS", misrouted=True)
    last = corrected("TS1", EventKind.RECLASSIFIED, unit="HQ-LOAN", labels=labels)
    other = corrected("TS2", EventKind.TRANSFERRED, unit="HQ-WM", misrouted=True)

    chosen = latest_per_case([first, other, last])

    assert chosen == [last, other]
    assert example(last)["flags"] == ["vip"]
