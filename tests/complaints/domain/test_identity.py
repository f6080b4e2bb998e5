import pytest

from complaints.domain.identity import IdentityHasher, normalise_code, normalise_phone


@pytest.mark.parametrize(
    "phone",
    ["13812345678", "+86 138 1234 5678", "0086-13812345678", "8613812345678", "１３８１２３４５６７８"],
)
def test_one_mobile_number_written_five_ways_is_one_number(phone: str) -> None:
    assert normalise_phone(phone) == "13812345678"


def test_a_landline_keeps_its_digits() -> None:
    assert normalise_phone("0571-8800-1001") == "057188001001"


def test_codes_ignore_case_and_spacing() -> None:
    assert normalise_code("11010119900307 123x") == "11010119900307123X"


def test_hashes_match_equal_identifiers_and_depend_on_the_key() -> None:
    one, other = IdentityHasher(b"key-one"), IdentityHasher(b"key-two")
    assert one.phone("13812345678") == one.phone("+86 13812345678")
    assert one.phone("13812345678") != other.phone("13812345678")
    assert one.phone("13812345678") != one.id_number("13812345678")  # kinds never collide
    assert "13812345678" not in one.phone("13812345678")
    assert len(one.email("A@Example.cn")) == 64
    assert one.email("A@Example.cn") == one.email("a@example.cn")


def test_of_hashes_only_what_is_given() -> None:
    hashes = IdentityHasher(b"k").of(phone="13812345678", customer_no=None)
    assert hashes.phone is not None
    assert hashes.customer_no is None
    assert set(hashes.present()) == {"phone"}


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        IdentityHasher(b"")
