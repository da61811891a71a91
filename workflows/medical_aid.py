"""The medical-aid procedure for low-income applicants (POLICY section 4) as a viewflow process.

    filing (village clerk) -> village_check -> township_review -> county_approval -> notice_delivery -> end
                                   |                |   \\ reject ----------------------^
                                   +-- return --+---+---- return --> supplement --> back to the stage that returned it

Each human step is granted on the Region of its level (guardian object permissions), as the stage
table in aidflow.regions.stages says. The flow only routes: the case services
(aidflow.cases.services.tasks) record each decision's route in the typed process state and then
let the flow move on; they read the next stage from the task the flow opened.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

from aidflow.regions.models import Region
from aidflow.regions.stages import Stage, stage_rule
from workflows.models import MedicalAidProcess, Route


def region_of(stage: str):
    """The Region whose staff work `stage` of a process's application (the permission's object)."""
    rule = stage_rule(stage)

    def region(process) -> Region:
        return Region.objects.get(code=rule.region_code(process.application.village_id))

    return region


def human_step(stage: str):
    """A task worked in AidFlow's own case screens; viewflow's generic task views are not mounted."""
    return flow.View(UpdateProcessView.as_view(fields=[])).Permission(
        stage_rule(stage).permission, obj=region_of(stage)
    )


class MedicalAidFlow(flow.Flow):
    """医疗救助: village check (3 days), township review with home visit (7), county decision (10), delivery."""

    process_class = MedicalAidProcess
    process_title = _("Medical aid application")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.village_check)

    village_check = human_step(Stage.VILLAGE_CHECK).Next(this.after_village_check)
    after_village_check = flow.If(this.is_forwarded).Then(this.township_review).Else(this.supplement)

    township_review = human_step(Stage.TOWNSHIP_REVIEW).Next(this.after_township_review)
    after_township_review = (
        flow.Switch()
        .Case(this.county_approval, cond=this.is_forwarded)
        .Case(this.supplement, cond=this.is_returned)
        # A refusal is told to the applicant in writing, delivered through the township.
        .Default(this.notice_delivery)
    )

    county_approval = human_step(Stage.COUNTY_APPROVAL).Next(this.after_county_approval)
    after_county_approval = flow.If(this.is_returned).Then(this.supplement).Else(this.notice_delivery)

    supplement = human_step(Stage.SUPPLEMENT).Next(this.resubmit)
    resubmit = (
        flow.Switch()
        .Case(this.village_check, cond=this.back_to_village_check)
        .Case(this.township_review, cond=this.back_to_township_review)
        .Default(this.county_approval)
    )

    notice_delivery = human_step(Stage.NOTICE_DELIVERY).Next(this.end)

    end = flow.End()

    def start_process(self, activation, application):
        application.process = activation.process
        return activation.process

    def is_forwarded(self, activation) -> bool:
        return activation.process.route == Route.FORWARD

    def is_returned(self, activation) -> bool:
        return activation.process.route == Route.RETURN

    def back_to_village_check(self, activation) -> bool:
        return activation.process.returned_from == Stage.VILLAGE_CHECK

    def back_to_township_review(self, activation) -> bool:
        return activation.process.returned_from == Stage.TOWNSHIP_REVIEW
