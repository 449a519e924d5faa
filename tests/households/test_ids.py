import datetime

import pytest
from django.core.exceptions import ValidationError

from households.ids import check_code, id_facts, mask_id_number, validate_id_number

VALID = "11010519491231002X"  # the standard's own example (GB 11643-1999)


def with_check(first17: str) -> str:
    return first17 + check_code(first17)


def test_valid_number_is_returned_unchanged():
    number = with_check("23112419800101001")
    assert validate_id_number(number) == number


def test_final_x_is_accepted():
    assert validate_id_number(VALID) == VALID


def test_lower_case_x_is_normalised_to_upper_case():
    assert validate_id_number(VALID.lower()) == VALID


def test_surrounding_spaces_are_stripped():
    assert validate_id_number(f"  {VALID} \u3000") == VALID


def test_wrong_checksum_is_rejected():
    number = with_check("23112419800101001")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(wrong)
    assert exc.value.code == "checksum"


def test_thirtieth_of_february_is_rejected():
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_check("23112419800230001"))
    assert exc.value.code == "date"


def test_leap_day_is_accepted_in_a_leap_year_only():
    assert validate_id_number(with_check("23112420000229001"))
    with pytest.raises(ValidationError):
        validate_id_number(with_check("23112419000229001"))


def test_future_birth_date_is_rejected():
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_check("23112420300101001"), today=datetime.date(2026, 11, 29))
    assert exc.value.code == "date"


@pytest.mark.parametrize("value", ["", "2311241980010100", "2311241980010100111", "231124800101001"])
def test_wrong_length_is_rejected(value):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == "length"


def test_full_width_characters_are_rejected():
    full_width = VALID.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    with pytest.raises(ValidationError) as exc:
        validate_id_number(full_width)
    assert exc.value.code == "characters"


@pytest.mark.parametrize("value", ["23112419800101A01X", "2311241980010100Y1", "23112419800101001Y"])
def test_letters_other_than_final_x_are_rejected(value):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == "characters"


def test_zero_width_character_is_rejected():
    with pytest.raises(ValidationError):
        validate_id_number(VALID[:5] + "\u200b" + VALID[5:])


def test_retired_region_code_is_still_valid():
    # 232601 (old 黑河地区) is no longer a division code; elderly people still carry it.
    number = with_check("23260119400101001")
    assert validate_id_number(number) == number


def test_error_messages_are_translated_to_chinese():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_id_number("123")
    assert "身份证" in exc.value.messages[0]


def test_facts_give_sex_and_birth_date():
    facts = id_facts(VALID)
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.sex == "F"  # 17th digit 2 is even
    assert id_facts(with_check("23112419800101001")).sex == "M"


def test_mask_shows_first_six_and_last_four():
    assert mask_id_number("231124198001010018") == "231124********0018"
