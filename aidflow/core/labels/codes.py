"""The table of codes and their names for people, by kind. The codes are those of the models'
choices, the calculation's reasons and warnings and the statistics' checks; the names are the
same msgids the choices use, so one Chinese text serves both. tests/core/test_labels.py checks
that every choice of every model is here under the same name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CATEGORY = {
    "dibao": _("Minimum-living-guarantee recipient"),
    "tekun": _("Person in extreme poverty"),
    "orphan": _("Orphan"),
    "child_in_distress": _("Child in distress"),
    "low_income": _("Low-income person"),
    # A roll kind, not a built-in category (no model's choice): the rolls take it and the policy
    # declares its rules (INTERFACES section 12).
    "poverty_registered": _("Registered poor person"),
}
ROLL_ONLY_CATEGORIES = ("poverty_registered",)
CATEGORY_GROUP = {"key_recipient": _("Key recipient"), "low_income": _("Low-income")}
AID_TYPE = {
    "hospitalization": _("Hospitalization aid"),
    "major_disease": _("Major-disease aid"),
    "outpatient": _("Outpatient aid"),
}
# How aid reached the person: the ledger's route (INTERFACES section 10).
ROUTE = {"application": _("Application and approval"), "settlement": _("One-stop settlement")}
# The choices a task's form offers (workflows.models.Route).
TASK_ROUTE = {
    "forward": _("Forward to the next level"),
    "return": _("Return for materials"),
    "reject": _("Refuse"),
    "approve": _("Approve"),
}
STAGE = {
    "village_check": _("Village check"),
    "township_review": _("Township review"),
    "county_approval": _("County approval"),
    "supplement": _("Supplement materials"),
    "notice_delivery": _("Notice delivery"),
    "closed": _("Closed"),
}
STATUS = {
    "in_progress": _("In progress"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
}
STAGE_ACTION = {
    "filed": _("filed"),
    "forwarded": _("forwarded"),
    "returned": _("returned for materials"),
    "resubmitted": _("resubmitted"),
    "rejected": _("refused"),
    "approved": _("approved"),
    "delivered": _("notice delivered"),
    "withdrawn": _("withdrawn"),
}
DOCUMENT = {
    "id_card": _("ID card"),
    "household_register": _("Household register"),
    "disability_certificate": _("Disability certificate"),
    "income_proof": _("Household income proof"),
    "diagnosis": _("Diagnosis"),
    "inpatient_record": _("Inpatient record"),
    "settlement_bill": _("Settlement bill"),
    "category_certificate": _("Category certificate"),
    "guardianship_proof": _("Proof of guardianship or authorisation"),
    "appeal_decision": _("Reconsideration or court decision"),
    "other": _("Other"),
}
NOTICE = {
    "approval": _("Approval notice"),
    "rejection": _("Rejection notice"),
    "review_refusal": _("Review refusal notice"),
    "supplement": _("Supplement request"),
    "revocation": _("Revocation notice"),
}
DELIVERY = {"in_person": _("In person"), "post": _("By post"), "electronic": _("Electronic")}
RELATIONSHIP = {"self": _("The patient"), "guardian": _("Guardian"), "agent": _("Agent")}
RESIDENCE = {"rural": _("Rural"), "urban": _("Urban")}
SEX = {"male": _("Male"), "female": _("Female")}
SETTLEMENT_STATUS = {
    "settled": _("Settled"),
    "claimed": _("Claimed"),
    "approved": _("Approved"),
    "refused": _("Refused"),
    "reversed": _("Reversed"),
}
CLAIM_STATUS = {"submitted": _("Submitted"), "approved": _("Approved"), "rejected": _("Rejected")}
REFUSAL = {
    "non_compliant": _("Non-compliant: the fund does not pay this stay"),
    "correction_needed": _("To be corrected and settled again by the hospital"),
    "over_catalogue": _("Drugs outside the catalogue"),
    "over_price": _("Charges above the standard"),
    "split_stay": _("Stay split in two"),
    "bed_blocking": _("Bed kept without treatment"),
    "fictitious": _("Fictitious stay"),
    "other": _("Other"),
}
PAYMENT_STATUS = {
    "unpaid": _("Not paid"),
    "in_batch": _("In a payment batch"),
    "paid": _("Paid"),
    "failed": _("Payment failed"),
}
LINE_STATUS = {"pending": _("Awaiting the bank"), "paid": _("Paid"), "failed": _("Failed")}
BATCH_STATUS = {
    "prepared": _("Awaiting approval"),
    "approved": pgettext_lazy("payment batch", "Approved"),
    "open": _("Open"),
    "closed": _("Closed"),
}
LINE_KIND = {"application": _("Application"), "claim": _("Hospital claim"), "premium": _("Premium subsidies")}
NOTIFICATION = {
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "pay_failed": _("Payment failed"),
    "payee": _("Account changed"),
    "claim": _("Claim to review"),
    "batch": _("Batch to approve"),
    "verify": _("Patient to ask"),
    "finding": _("Answer contradicts the slip"),
    "month_due": _("Month to sign off"),
    "month_late": _("Month not signed off"),
}
ROLE = {
    "village_clerk": _("Village clerk"),
    "township_reviewer": _("Township reviewer"),
    "county_approver": _("County approver"),
    "auditor": _("Auditor"),
    "admin": _("Administrator"),
    "hospital_clerk": _("Hospital settlement clerk"),
    "county_finance": _("County finance officer"),
    "city_reviewer": _("City reviewer"),
}
HOSPITAL_LEVEL = {"1": _("Level 1"), "2": _("Level 2"), "3": _("Level 3")}
# Why a calculation came out as it did (INTERFACES section 4); a stay left out by a gate (section 11).
REASON = {
    "NO_POLICY": _("No medical-aid policy applies on the filing date"),
    "RULE_NOT_CONFIGURED": _("The county has set no standard for this category and aid type"),
    "INCOME_ABOVE_LIMIT": _("Household income above the low-income limit"),
    "NO_QUALIFYING_CONDITION": _("Not elderly, a minor, severely disabled or seriously ill"),
    "NOT_INSURED": _("Not in basic medical insurance, and the county has set no standard for the uninsured"),
    "NO_SERIOUS_ILLNESS_INSURANCE": _(
        "Major-disease aid follows serious-illness insurance, which paid nothing for these stays"
    ),
    "NOT_ON_ROLL": _("Not on the roll of recipients at discharge"),
    "EXPENSE_OUT_OF_WINDOW": _("The stay's costs are past the claim period"),
    "BELOW_DEDUCTIBLE": _("Below the deductible"),
    "CAP_REACHED": _("The yearly cap is reached"),
    "NOTHING_REMAINING": _("Nothing left after insurance and help"),
    "NOT_DESIGNATED": _("The hospital was not designated on the discharge date"),
    "NO_REFERRAL": _("Outside the paying county without a referral"),
}
WARNING = {"INSURANCE_IMPLAUSIBLE": _("Basic insurance implausibly low")}
# A claim's risk flags (aidflow.settlements.services.risk, INTERFACES section 15).
RISK_FLAG = {
    "HIGH_VALUE": _("High value"),
    "LONG_STAY": _("Long stay for its chapter"),
    "HIGH_COST_FOR_CHAPTER": _("High cost for its chapter"),
    "READMISSION_15_DAYS": _("Readmitted within 15 days"),
    "OVERLAPPING_STAYS": _("Overlapping stays"),
    "INSURANCE_IMPLAUSIBLE": _("Basic insurance implausibly low"),
    "SAMPLED": _("Drawn in the sample"),
}
# The statistics' logic checks (INTERFACES section 10); SUM_BY_* are named by their breakdown.
CHECK = {
    "AID_WITHIN_ELIGIBLE": _("Aid does not exceed the compliant cost"),
    "ELIGIBLE_WITHIN_TOTAL": _("Compliant cost does not exceed the total cost"),
    "PAYMENTS_WITHIN_TOTAL": _("Payments do not exceed the total cost"),
    "PERSONS_WITHIN_PERSON_TIMES": _("Persons do not exceed person-times"),
}
BREAKDOWN = {
    "by_township": _("By township"),
    "by_county": _("By county"),
    "by_category": _("By category"),
    "by_aid_type": _("By aid type"),
    "by_route": _("By route"),
    "by_hospital_level": _("By hospital level"),
    "by_disease_chapter": _("By disease (ICD-10 chapter)"),
}
# The statistics' figures (a late correction names them).
FIGURE = {
    "persons": _("Persons"),
    "person_times": _("Person-times"),
    "total_cost": _("Total cost"),
    "eligible_cost": _("Compliant cost"),
    "basic_insurance": _("Basic insurance"),
    "serious_illness_insurance": _("Serious-illness insurance"),
    "other_payments": _("Other payments"),
    "hospital_reduction": _("Hospital reduction"),
    "emergency_fund": _("Emergency medical assistance fund"),
    "aid": _("Medical aid"),
}

# Where recorded payment results came from.
SOURCE = {"api": _("Through the API"), "file": _("From the bank's file"), "seed_demo": _("Demo data")}

# The audit log's actors that are no person: the commands and jobs that record events.
SYSTEM_ACTOR = {
    "load_policy": _("Policy loading"),
    "import_regions": _("Region import"),
    "purge_audit": _("Audit log purge"),
    "seed_demo": _("Demo data"),
    "manage.py": _("Command line"),
    "notices": _("Notice service"),
    "claim_sample": _("A claim's random sample"),
}

APPEAL_KIND = {
    "reconsideration": _("Administrative reconsideration"),
    "lawsuit": _("Administrative lawsuit"),
}
APPEAL_OUTCOME = {
    "upheld": _("Decision upheld"),
    "revoked": _("Decision revoked"),
    "changed": _("Decision changed"),
    "withdrawn": _("Appeal withdrawn"),
}
# The lists whose reads the audit log records (`audit_list_read(list_name=...)`), by their screens' titles.
LIST_NAME = {
    "applications": _("Applications"),
    "inbox": _("My tasks"),
    "payable": _("Payable"),
    "payment_batch": _("Payment batch"),
    "payment_report": _("Payments by month"),
    "settlements": _("One-stop settlements"),
    "claims": _("Hospital claims"),
    "reduction_ledger": _("Reduction ledger"),
}

KINDS = {
    "category": CATEGORY,
    "category_group": CATEGORY_GROUP,
    "aid_type": AID_TYPE,
    "route": ROUTE,
    "task_route": TASK_ROUTE,
    "stage": STAGE,
    "status": STATUS,
    "stage_action": STAGE_ACTION,
    "document": DOCUMENT,
    "notice": NOTICE,
    "appeal_kind": APPEAL_KIND,
    "appeal_outcome": APPEAL_OUTCOME,
    "delivery": DELIVERY,
    "relationship": RELATIONSHIP,
    "residence": RESIDENCE,
    "sex": SEX,
    "settlement_status": SETTLEMENT_STATUS,
    "claim_status": CLAIM_STATUS,
    "refusal": REFUSAL,
    "payment_status": PAYMENT_STATUS,
    "line_status": LINE_STATUS,
    "line_kind": LINE_KIND,
    "batch_status": BATCH_STATUS,
    "notification": NOTIFICATION,
    "role": ROLE,
    "hospital_level": HOSPITAL_LEVEL,
    "reason": REASON,
    "warning": WARNING,
    "risk_flag": RISK_FLAG,
    "check": CHECK,
    "breakdown": BREAKDOWN,
    "figure": FIGURE,
    "source": SOURCE,
    "system_actor": SYSTEM_ACTOR,
    "list_name": LIST_NAME,
}
