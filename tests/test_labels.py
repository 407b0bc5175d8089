"""Every vocabulary value has its own label, even where two vocabularies share a value."""

import enum

from portal import labels


def test_each_enum_keeps_its_own_label_for_a_shared_value() -> None:
    class First(enum.StrEnum):
        OPEN = "open"

    class Second(enum.StrEnum):
        OPEN = "open"

    merged = labels._keyed(({First.OPEN: "First open"}, {Second.OPEN: "Second open"}))
    assert merged[(First, "open")] == "First open"
    assert merged[(Second, "open")] == "Second open"


def test_every_registered_value_resolves() -> None:
    for (enum_class, value), text in labels._ALL.items():
        assert labels.label(enum_class(value)) == str(text)


def test_the_map_kinds_that_share_a_value_keep_their_own_labels() -> None:
    from portal.geo.models import RegionKind, SettlementKind, UnitKind

    assert labels.label(RegionKind.CITY) == "City of republican significance"
    assert labels.label(UnitKind.CITY) == "City of regional significance"
    assert labels.label(SettlementKind.OTHER) == "Village"
    assert labels.label(UnitKind.OTHER) == "Other unit"


def test_every_member_of_a_labelled_vocabulary_has_its_own_label() -> None:
    """A vocabulary with one label has them all: a value two vocabularies share in one dict
    literal (StrEnum members equal their strings) silently lost all but one label."""
    vocabularies = {enum_class for enum_class, _value in labels._ALL}
    missing = [f"{enum_class.__name__}.{member.name}" for enum_class in vocabularies
               for member in enum_class if (enum_class, str(member.value)) not in labels._ALL]
    assert missing == []


def test_the_promise_vocabularies_that_share_other_keep_their_own_labels() -> None:
    from portal.promises.models import BrokenReason, FundingSource, PromiseCategory, PromiseStatus

    assert labels.label(PromiseCategory.OTHER) == "Other"
    assert labels.label(FundingSource.OTHER) == "Other source"
    assert labels.label(BrokenReason.OTHER) == "Other reason"
    assert labels.label(BrokenReason.OUTSIDE_COMPETENCE) == labels.label(
        PromiseStatus.OUTSIDE_COMPETENCE)
