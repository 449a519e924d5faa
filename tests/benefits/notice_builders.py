"""Builders for the written-notice tests: a notice through the real services."""

from benefits import services
from sunwu_relief import clock as real_clock
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data


def stop_notice(make_household, caseworker, bureau, *, village=None, head="王大山"):
    """A notice of change (a 低保 stopped): the quickest real way to a written notice."""
    household = make_household(caseworker, village=village, head=member_data(name=head, relationship="head"))
    benefit = benefit_from_roll(household, actor=bureau)
    change = services.benefit_change(
        actor=bureau,
        benefit=benefit,
        kind="stop",
        effective_month=real_clock.current_month(),
        reason_code="moved_or_deceased",
        reason="迁出",
    )
    return change.written_notice
