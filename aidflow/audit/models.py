"""The audit log: an append-only, hash-chained record of who did what, when, in which role, on what facts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# NO_ROW_LOCKS: the audit tables' links to the application and the user carry no foreign-key
# constraint in the database. A constraint's check locks the row it points to (FOR KEY SHARE, at
# commit): a transaction appending to the chain would then wait for a case another transaction
# holds FOR UPDATE while that one waits for the chain's lock, a deadlock (sealing reads of a case
# while its task is completed was one). Without them, a transaction holding the chain's lock never
# waits on another lock. Django still refuses to delete an application or a user an event names
# (on_delete=PROTECT); neither is ever deleted by AidFlow.


class AuditAction(models.TextChoices):
    """Audited acts other than a stage's decision (those are recorded under the cases' StageAction)."""

    CASE_VIEWED = "case_viewed", _("case viewed")
    SETTLEMENT_VIEWED = "settlement_viewed", _("one-stop settlement viewed")
    CLAIM_VIEWED = "claim_viewed", _("settlement claim viewed")
    PERSON_FILE_READ = "person_file_read", _("person file viewed")
    RECEIPT_PRINTED = "receipt_printed", _("filing receipt printed")
    LIST_VIEWED = "list_viewed", _("list viewed")
    DOCUMENT_UPLOADED = "document_uploaded", _("document uploaded")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("document downloaded")
    NOTICE_ISSUED = "notice_issued", _("notice issued")
    NOTICE_CORRECTED = "notice_corrected", _("notice corrected")
    NOTICE_DOWNLOADED = "notice_downloaded", _("notice downloaded")
    APPLICATION_FORM_PRINTED = "application_form_printed", _("application form printed")
    SURVEY_FORM_PRINTED = "survey_form_printed", _("home visit survey form printed")
    DOSSIER_PRINTED = "dossier_printed", _("case dossier printed")
    ARCHIVE_EXPORTED = "archive_exported", _("monthly archive exported")
    ARCHIVE_DOWNLOADED = "archive_downloaded", _("monthly archive downloaded")
    POLICY_LOADED = "policy_loaded", _("policy loaded")
    REGIONS_IMPORTED = "regions_imported", _("regions imported")
    HOSPITALS_IMPORTED = "hospitals_imported", _("hospitals imported")
    RECIPIENTS_IMPORTED = "recipients_imported", _("rolls imported")
    IMPORT_PREVIEWED = "import_previewed", _("import file uploaded for preview")
    IMPORT_DISCARDED = "import_discarded", _("import discarded")
    ROLL_CONFLICT_RESOLVED = "roll_conflict_resolved", _("roll conflict between counties resolved")
    PREMIUM_ROSTER_BUILT = "premium_roster_built", _("premium subsidy roster built")
    PREMIUM_ROSTER_DISCARDED = "premium_roster_discarded", _("premium subsidy roster discarded")
    PREMIUM_ROSTER_CONFIRMED = "premium_roster_confirmed", _("premium subsidy roster confirmed")
    PREMIUM_ROSTER_EXPORTED = "premium_roster_exported", _("premium subsidy roster exported for the agency")
    PREMIUM_RESULTS_RECORDED = "premium_results_recorded", _("insurance agency's answer recorded")
    ROLL_LOOKED_UP = "roll_looked_up", _("roll looked up")
    REFERRAL_RECORDED = "referral_recorded", _("referral recorded")
    REFERRALS_READ = "referrals_read", _("referrals read")
    SETTLEMENT_RECORDED = "settlement_recorded", _("one-stop settlement recorded")
    SETTLEMENT_REVERSED = "settlement_reversed", _("one-stop settlement reversed")
    SETTLEMENT_SLIP_DOWNLOADED = "settlement_slip_downloaded", _("settlement slip downloaded")
    CLAIM_SUBMITTED = "claim_submitted", _("settlement claim submitted")
    CLAIM_REVIEWED = "claim_reviewed", _("settlement claim reviewed")
    PAYEE_CHANGED = "payee_changed", _("payee changed")
    PAYMENT_BATCH_CREATED = "payment_batch_created", _("payment batch created")
    PAYMENT_BATCH_APPROVED = "payment_batch_approved", _("payment batch approved")
    BATCH_APPROVAL_GRANTED = "batch_approval_granted", _("approval of payment batches granted")
    BATCH_APPROVAL_REVOKED = "batch_approval_revoked", _("approval of payment batches taken back")
    PAYMENT_EXPORTED = "payment_exported", _("bank file exported")
    PAYMENT_RESULTS_RECORDED = "payment_results_recorded", _("payment results recorded")
    MONTH_SUBMITTED = "month_submitted", _("month submitted")
    MONTH_ACCEPTED = "month_accepted", _("month accepted by the city")
    MONTH_RETURNED = "month_returned", _("month returned by the city")
    MONTH_RESUBMITTED = "month_resubmitted", _("returned month signed again")
    STAFF_SAVED = "staff_saved", _("staff saved")
    STAFF_DEACTIVATED = "staff_deactivated", _("staff deactivated")
    STAFF_REACTIVATED = "staff_reactivated", _("staff reactivated")
    ACCOUNT_UNLOCKED = "account_unlocked", _("account unlocked")
    TWO_FACTOR_RESET = "two_factor_reset", _("authenticator reset")
    HOSPITAL_ACCOUNT_CHANGED = "hospital_account_changed", _("hospital's bank account changed")
    HOSPITAL_SUSPENDED = "hospital_suspended", _("hospital's designation suspended")
    HOSPITAL_SUSPENSION_LIFTED = "hospital_suspension_lifted", _("hospital's suspension lifted")
    LOGIN = "login", _("signed in")
    LOGOUT = "logout", _("signed out")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    LOCKOUT = "lockout", _("locked out")
    LOGIN_FAILURES_SUPPRESSED = "login_failures_suppressed", _("further failed sign-ins counted, not recorded")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("authenticator enrolled")
    TWO_FACTOR_VERIFIED = "two_factor_verified", _("second sign-in step passed")
    TWO_FACTOR_FAILED = "two_factor_failed", _("second sign-in step failed")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    AUDIT_EXPORTED = "audit_exported", _("audit log exported")
    LIST_EXPORTED = "list_exported", _("list exported")
    AUDIT_PURGED = "audit_purged", _("audit log purged")
    APPEAL_RECORDED = "appeal_recorded", _("reconsideration or lawsuit recorded")
    APPEAL_DECIDED = "appeal_decided", _("outcome of a reconsideration or lawsuit recorded")
    APPROVAL_REVOKED = "approval_revoked", _("approval revoked")
    SETTLEMENT_REVOKED = "settlement_revoked", _("one-stop settlement revoked")
    RECOVERY_REPAID = "recovery_repaid", _("repayment of a recovery recorded")
    RECOVERY_OFFSET = "recovery_offset", _("recovery offset against a claim")
    WRITE_OFF_PROPOSED = "write_off_proposed", _("write-off proposed")
    WRITE_OFF_APPROVED = "write_off_approved", _("write-off approved")
    WRITE_OFF_REFUSED = "write_off_refused", _("write-off refused")
    RECOVERY_VIEWED = "recovery_viewed", _("recovery viewed")
    VERIFICATION_REQUESTED = "verification_requested", _("patient to be asked about a settlement")
    VERIFICATION_ANSWERED = "verification_answered", _("patient's answer about a settlement recorded")


class AuditEvent(models.Model):
    """One audited action. Never updated or deleted by AidFlow; PostgreSQL refuses it by trigger."""

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # see NO_ROW_LOCKS
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=12, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    application = models.ForeignKey(
        "cases.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_constraint=False,  # see NO_ROW_LOCKS
    )
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    details = models.JSONField(_("details"), default=dict)
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [models.Index(fields=["at"]), models.Index(fields=["actor_name"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_name or '-'}"


class AuditCheckpoint(models.Model):
    """The last event a verification found intact, signed: the next `verify_audit` starts after it."""

    seq = models.BigIntegerField(_("sequence number"))
    hash = models.CharField(_("hash"), max_length=64)
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)
    full = models.BooleanField(_("full verification"), default=False)
    # HMAC-SHA256 of seq and hash under AUDIT_SIGNING_KEY, a key the database never holds
    # (aidflow.audit.signing): a rewrite of the whole chain cannot re-sign its checkpoints.
    signature = models.CharField(_("signature"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"verified to #{self.seq}"


class PendingRead(models.Model):
    """A look at personal data (a case file, a settlement, a list of people), waiting to be sealed
    into the chain.

    Reads are the busiest audited act. Writing each straight into the chain would make every reader
    of a province wait on the chain's one lock; instead a read is a plain insert here, and
    `audit_seal_reads` appends the waiting reads to the chain in their order, in batches (every
    minute from the beat, and before any audit screen or verification reads the log). The event
    keeps the moment of the read. PostgreSQL refuses any update of a waiting read by trigger.
    """

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # see NO_ROW_LOCKS
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=12, blank=True)
    action = models.CharField(_("action"), max_length=40)
    application = models.ForeignKey(
        "cases.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # see NO_ROW_LOCKS
    )
    details = models.JSONField(_("details"), default=dict)
    client_address = models.CharField(_("client address"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("read waiting to be sealed")
        verbose_name_plural = _("reads waiting to be sealed")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name or '-'} at {self.at:%Y-%m-%d %H:%M:%S}"
