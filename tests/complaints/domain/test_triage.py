"""A person's reclassification: their flags replace the text's, the record's stay, triage goes."""

from complaints.domain.triage import TEXT_FLAGS, reclassified_flags, record_flags
from complaints.domain.vocabulary import Channel, Flag, Source


def test_the_record_sets_its_flags() -> None:
    assert record_flags(confidential=False, channel=Channel.HOTLINE, source=Source.DIRECT) == frozenset()
    assert record_flags(confidential=True, channel=Channel.MEDIA, source=Source.REGULATOR) == {
        Flag.CONFIDENTIAL,
        Flag.MEDIA,
        Flag.REGULATOR_REFERRED,
    }


def test_the_stated_flags_replace_the_texts_and_the_records_stay() -> None:
    record = frozenset({Flag.REGULATOR_REFERRED})
    assert reclassified_flags([Flag.REPEAT], record=record) == {Flag.REPEAT, Flag.REGULATOR_REFERRED}
    assert reclassified_flags([], record=frozenset()) == frozenset()


def test_needs_triage_never_survives_a_reclassification() -> None:
    assert reclassified_flags([Flag.NEEDS_TRIAGE], record=frozenset({Flag.NEEDS_TRIAGE})) == frozenset()
    assert Flag.NEEDS_TRIAGE not in TEXT_FLAGS
