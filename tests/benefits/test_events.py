"""Every audit action the benefits workflow records is a member of its event vocabulary."""

import pytest

from benefits.events import BenefitEvent, decision_event, transition_event
from benefits.services import BENEFIT_CHANGES
from benefits.workflow import ALLOWED


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_workflow_transition_has_its_event(action):
    assert transition_event(action).value == f"application.{action}"


@pytest.mark.parametrize("kind", sorted(BENEFIT_CHANGES))
def test_every_decision_kind_has_its_event(kind):
    assert decision_event(kind).value == f"benefit.{kind}"


def test_an_unknown_action_is_refused_not_recorded():
    with pytest.raises(ValueError, match="application.teleport"):
        transition_event("teleport")


def test_event_values_are_unique():
    assert len(set(BenefitEvent.values)) == len(BenefitEvent.values)
