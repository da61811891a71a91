"""The medical-aid procedure for low-income applicants (POLICY section 4) as a viewflow process.

    filing (village clerk) -> village_check -> township_review -> county_approval -> notice_delivery -> end
                                   |                |   \\ reject ----------------------^
                                   +-- return --+---+---- return --> supplement --> back to the stage that returned it

Each human step is granted on the Region of its level (guardian object permissions): the village
for the check and the supplement, the township for the review and the delivery, the county for
the approval. The services in aidflow.cases.services are the only code that completes these
tasks; they record the route each decision takes in `process.data["route"]`.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from aidflow.regions.models import Region
from workflows.views import TaskView


def village_of(process) -> Region:
    return process.application.village


def township_of(process) -> Region:
    return Region.objects.get(code=process.application.village_id[:9])


def county_of(process) -> Region:
    return Region.objects.get(code=process.application.village_id[:6])


class MedicalAidFlow(flow.Flow):
    """医疗救助: village check (3 days), township review with home visit (7), county decision (10), delivery."""

    process_title = _("Medical aid application")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.village_check)

    village_check = (
        flow.View(TaskView).Permission("regions.check_village", obj=village_of).Next(this.after_village_check)
    )
    after_village_check = flow.If(this.is_forwarded).Then(this.township_review).Else(this.supplement)

    township_review = (
        flow.View(TaskView).Permission("regions.review_township", obj=township_of).Next(this.after_township_review)
    )
    after_township_review = (
        flow.Switch()
        .Case(this.county_approval, cond=this.is_forwarded)
        .Case(this.supplement, cond=this.is_returned)
        # A refusal is told to the applicant in writing, delivered through the township.
        .Default(this.notice_delivery)
    )

    county_approval = (
        flow.View(TaskView).Permission("regions.approve_county", obj=county_of).Next(this.after_county_approval)
    )
    after_county_approval = flow.If(this.is_returned).Then(this.supplement).Else(this.notice_delivery)

    supplement = flow.View(TaskView).Permission("regions.check_village", obj=village_of).Next(this.resubmit)
    resubmit = (
        flow.Switch()
        .Case(this.village_check, cond=this.back_to_village_check)
        .Case(this.township_review, cond=this.back_to_township_review)
        .Default(this.county_approval)
    )

    notice_delivery = flow.View(TaskView).Permission("regions.review_township", obj=township_of).Next(this.end)

    end = flow.End()

    def start_process(self, activation, application):
        activation.process.data = {"route": None}
        application.process = activation.process
        return activation.process

    def is_forwarded(self, activation) -> bool:
        return activation.process.data.get("route") == "forward"

    def is_returned(self, activation) -> bool:
        return activation.process.data.get("route") == "return"

    def back_to_village_check(self, activation) -> bool:
        return activation.process.application.returned_from == "village_check"

    def back_to_township_review(self, activation) -> bool:
        return activation.process.application.returned_from == "township_review"
