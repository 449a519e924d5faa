"""Events in the registry that force a re-verification: a member's death, removal or move
(connected in `BenefitsConfig.ready`). The household's running 低保 benefits are reviewed; the
review's new assessment no longer counts the person, so the decision lowers from the next month."""

from households.models import RemovalReason
from sunwu_relief.authz import system

from .models import ReviewReason
from .services import reviews_open_for_household

ACTOR = system("task:registry_event_review")


def on_member_removed(sender, *, member, actor, **kwargs) -> None:
    reason = ReviewReason.MEMBER_DIED if member.removal_reason == RemovalReason.DEATH else ReviewReason.MEMBER_LEFT
    note = f"{member.name}（{member.get_removal_reason_display()}，{member.removed_on:%Y-%m-%d}）"
    reviews_open_for_household(actor=ACTOR, household=member.household, reason=reason, note=note)


def on_member_moved(sender, *, move, actor, **kwargs) -> None:
    note = f"{move.member.name}：{move.reason}"
    for household in (move.from_household, move.to_household):
        reviews_open_for_household(actor=ACTOR, household=household, reason=ReviewReason.MEMBER_LEFT, note=note)
