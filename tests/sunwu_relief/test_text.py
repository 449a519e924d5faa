import pytest
from django.core.exceptions import ValidationError

from sunwu_relief.errors import DomainError, Problem, WorkflowError
from sunwu_relief.text import export_safe, forbidden_characters, validate_multiline_text, validate_plain_text


@pytest.mark.parametrize("value", ["张三", "𠮷野", "阿依古丽·买买提", "Zhang San", "\ue000生僻"])
def test_ordinary_names_pass(value):
    validate_plain_text(value)


@pytest.mark.parametrize(
    ("value", "char"),
    [
        ("张\x07三", "U+0007"),
        ("张三\u202e", "U+202E"),
        ("张\u200b三", "U+200B"),
        ("\ufeff张三", "U+FEFF"),
        ("张\n三", "U+000A"),
    ],
)
def test_control_and_format_characters_are_refused(value, char):
    with pytest.raises(ValidationError) as caught:
        validate_plain_text(value)
    assert caught.value.code == "forbidden_character"
    assert forbidden_characters(value) == [char]


def test_multiline_text_keeps_line_breaks_but_not_bidi():
    validate_multiline_text("第一行\r\n第二行\t完")
    with pytest.raises(ValidationError):
        validate_multiline_text("第一行\n\u2066第二行")


def test_export_safe_strips_what_xlsx_and_print_cannot_carry():
    assert export_safe("张\x01三\u202e") == "张三"
    assert export_safe("甲\n乙") == "甲\n乙"
    assert export_safe("") == ""


def test_problem_codes_reach_the_error():
    problems = [Problem("a.one", "第一"), Problem("a.two", "第二")]
    exc = WorkflowError(problems=problems)
    assert exc.codes == ["a.one", "a.two"]
    assert exc.message == "第一 第二"
    assert exc.code == "workflow"
    assert DomainError(code="x.y").codes == ["x.y"]
