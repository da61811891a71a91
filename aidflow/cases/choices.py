"""The case file's fixed vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Residence(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class ApplicantRelationship(models.TextChoices):
    """Who applies: the patient, or the patient's guardian or agent (seed 002 line ~1796)."""

    SELF = "self", _("The patient")
    GUARDIAN = "guardian", _("Guardian")
    AGENT = "agent", _("Agent")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("ID card")
    HOUSEHOLD_REGISTER = "household_register", _("Household register")
    DISABILITY_CERTIFICATE = "disability_certificate", _("Disability certificate")
    INCOME_PROOF = "income_proof", _("Household income proof")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    INPATIENT_RECORD = "inpatient_record", _("Inpatient record")
    SETTLEMENT_BILL = "settlement_bill", _("Settlement bill")
    # Proof of a key-recipient category where the county keeps no roll (INTERFACES section 11).
    CATEGORY_CERTIFICATE = "category_certificate", _("Category certificate")
    # A guardian's or agent's authority to apply for the patient.
    GUARDIANSHIP_PROOF = "guardianship_proof", _("Proof of guardianship or authorisation")
    # The reconsideration body's or the court's decision on an appeal (recorded by the county).
    APPEAL_DECISION = "appeal_decision", _("Reconsideration or court decision")
    OTHER = "other", _("Other")


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic")


class ClockOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Completed")
    RETURNED = "returned", _("Returned")
    CANCELED = "canceled", _("Canceled")


class StageAction(models.TextChoices):
    """What a person did at a stage; each is also the audit action of that step."""

    FILED = "filed", _("filed")
    FORWARDED = "forwarded", _("forwarded")
    RETURNED = "returned", _("returned for materials")
    RESUBMITTED = "resubmitted", _("resubmitted")
    REJECTED = "rejected", _("refused")
    APPROVED = "approved", _("approved")
    DELIVERED = "delivered", _("notice delivered")
    WITHDRAWN = "withdrawn", _("withdrawn")


class NoticeKind(models.TextChoices):
    """The written notices a decision owes the applicant (issued by aidflow.notices)."""

    APPROVAL = "approval", _("Approval notice")
    REJECTION = "rejection", _("Rejection notice")
    # The township does not decide: it tells the applicant why it finds them not eligible (告知书).
    REVIEW_REFUSAL = "review_refusal", _("Review refusal notice")
    SUPPLEMENT = "supplement", _("Supplement request")
    # The county takes back an approval or a settlement (撤销决定书); issued by aidflow.recoveries.
    REVOCATION = "revocation", _("Revocation notice")


class ReminderKind(models.TextChoices):
    """A deadline reminder: the day before a stage is due, or an escalation once it is late."""

    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class NotificationKind(models.TextChoices):
    """What an in-app notification is about: a deadline, or a payment the village must act on."""

    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    PAYMENT_FAILED = "pay_failed", _("Payment failed")
    PAYEE_CHANGED = "payee", _("Account changed")
    CLAIM_TO_REVIEW = "claim", _("Claim to review")
    BATCH_TO_APPROVE = "batch", _("Batch to approve")
    PATIENT_TO_ASK = "verify", _("Patient to ask")
    FINDING = "finding", _("Answer contradicts the slip")
    MONTH_DUE = "month_due", _("Month to sign off")
    MONTH_LATE = "month_late", _("Month not signed off")


# The kinds of material a clerk files; the appeal decision is recorded with the appeal's outcome.
FILED_DOCUMENT_CHOICES = [choice for choice in DocumentKind.choices if choice[0] != DocumentKind.APPEAL_DECISION]
