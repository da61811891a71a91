"""The one stage table: for each stage of the procedure, who works it, on which region's
permission, under which day limit, and who hears of it when it is late. Everything else reads it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from aidflow.regions.codes import code_at
from aidflow.regions.models import ROLE_PERMISSION, Level, Role


class Stage(models.TextChoices):
    VILLAGE_CHECK = "village_check", _("Village check")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    COUNTY_APPROVAL = "county_approval", _("County approval")
    SUPPLEMENT = "supplement", _("Supplement materials")
    NOTICE_DELIVERY = "notice_delivery", _("Notice delivery")
    CLOSED = "closed", _("Closed")


@dataclass(frozen=True)
class StageRule:
    """Who works a stage and where; `limited` stages have a statutory day limit in the policy."""

    role: Role
    level: Level
    limited: bool
    escalation_role: Role
    escalation_level: Level
    # A decision on the merits: one person may decide a case at only one such stage.
    decides: bool

    @property
    def permission(self) -> str:
        """The guardian permission on the stage's region, e.g. "regions.review_township"."""
        return f"regions.{ROLE_PERMISSION[self.role]}"

    def region_code(self, village_code: str) -> str:
        """The code of the region whose staff work this stage for a case filed in `village_code`."""
        return code_at(village_code, self.level)

    def escalation_region_code(self, village_code: str) -> str:
        return code_at(village_code, self.escalation_level)


STAGE_RULES: dict[str, StageRule] = {
    Stage.VILLAGE_CHECK: StageRule(
        Role.VILLAGE_CLERK, Level.VILLAGE, True, Role.TOWNSHIP_REVIEWER, Level.TOWNSHIP, decides=True
    ),
    Stage.SUPPLEMENT: StageRule(
        Role.VILLAGE_CLERK, Level.VILLAGE, False, Role.TOWNSHIP_REVIEWER, Level.TOWNSHIP, decides=False
    ),
    Stage.TOWNSHIP_REVIEW: StageRule(
        Role.TOWNSHIP_REVIEWER, Level.TOWNSHIP, True, Role.COUNTY_APPROVER, Level.COUNTY, decides=True
    ),
    Stage.NOTICE_DELIVERY: StageRule(
        Role.TOWNSHIP_REVIEWER, Level.TOWNSHIP, False, Role.COUNTY_APPROVER, Level.COUNTY, decides=False
    ),
    Stage.COUNTY_APPROVAL: StageRule(Role.COUNTY_APPROVER, Level.COUNTY, True, Role.AUDITOR, Level.CITY, decides=True),
}
# Stages with a statutory day limit, in procedure order: the keys of a policy's `stage_limits`.
LIMITED_STAGES: list[str] = [stage for stage, rule in STAGE_RULES.items() if rule.limited]
DECISION_STAGES: list[str] = [stage for stage, rule in STAGE_RULES.items() if rule.decides]


def stage_rule(stage: str) -> StageRule:
    return STAGE_RULES[stage]


def stages_of(role: str | None) -> list[str]:
    """The stages whose tasks a role works on."""
    return [stage for stage, rule in STAGE_RULES.items() if rule.role == role]
