"""The medical-aid procedure for low-income applicants (POLICY section 4) as a viewflow process.

    filing (village clerk) -> village_check -> township_review -> county_approval -> notice_delivery -> end
                                   |                |   \\ reject ----------------------^
                                   +-- return --+---+---- return --> supplement --> back to the stage that returned it

Each human step is granted on the Region of its level (guardian object permissions), as the stage
table in aidflow.regions.stages says. The flow only routes: the case services
(aidflow.cases.services.tasks) record each decision's route in the typed process state and then
let the flow move on; they read the next stage from the task the flow opened.
"""

from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.flow.views import UpdateProcessView
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_started
from viewflow.workflow.status import STATUS

from aidflow.regions.models import Region
from aidflow.regions.scope import has_region_permission
from aidflow.regions.stages import Stage, stage_rule
from workflows.models import MedicalAidProcess, Route


def region_of(stage: str):
    """The Region whose staff work `stage` of a process's application (the permission's object)."""
    rule = stage_rule(stage)

    def region(process) -> Region:
        village = process.application.village
        code = rule.region_code(village.code)
        # Walk up from the village the caller loaded (with its parents, as the case services do)
        # rather than asking the database for a region already in hand.
        region = village
        while region is not None and region.code != code:
            region = region.parent
        return region if region is not None else Region.objects.get(code=code)

    return region


class HumanStepActivation(ViewActivation):
    """viewflow's view activation with one more transition for the case services."""

    @Activation.status.transition(source=STATUS.NEW, target=STATUS.STARTED)
    def take(self, user):
        """assign(user) and start() at once: the task row is written once, when it completes."""
        self.task.owner = user
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.task.started = now()


class HumanStep(flow.View):
    """A task worked in AidFlow's own case screens; viewflow's generic task views are not mounted.

    Who may take it is viewflow's rule (the task's permission on the stage's region, or the
    permission globally), with the region grants read once per user object (regions.scope)
    instead of twice per check."""

    activation_class = HumanStepActivation

    def can_assign(self, user, task):
        if task.owner_id or user is None or user.is_anonymous:
            return False
        if not task.owner_permission:
            return True
        code = stage_rule(self.name).region_code(task.process.application.village_id)
        return has_region_permission(user, task.owner_permission, code) or user.has_perm(task.owner_permission)


def human_step(stage: str):
    """A human step granted on the Region of its stage; the task it opens is noted on the process."""
    return (
        HumanStep(UpdateProcessView.as_view(fields=[]))
        .Permission(stage_rule(stage).permission, obj=region_of(stage))
        .onCreate(this.task_opened)
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

    def task_opened(self, activation):
        # The case services read the stage the flow moved to from the task it opened, in hand.
        activation.process.opened_task = activation.task

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
