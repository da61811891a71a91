"""The register of designated hospitals in the admin: looked up (and picked for a hospital clerk),
and the bank account the county pays a hospital's claims to corrected - through the payment
service, which keeps the old account and audits the change. The rest comes from
`import_hospitals` and is read-only here."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aidflow.core.errors import Conflict, InputErrors
from aidflow.core.payment import mask_account
from aidflow.payments.services.hospital_accounts import hospital_account_change, hospital_account_check
from aidflow.rolls.models import Hospital

HISTORY_COLUMNS = {
    "changed_at": _("changed at"),
    "changed_by": _("changed by"),
    "old_bank": _("old bank"),
    "old_account": _("old account"),
    "new_bank": _("new bank"),
    "new_account": _("new account"),
}


class HospitalAccountForm(forms.ModelForm):
    """The bank and account, checked by the same rules as the service (10-30 digits, ...)."""

    class Meta:
        model = Hospital
        fields = ("bank", "account")
        help_texts = {
            "account": _("10-30 digits, as the bank gives it; spaces are taken out."),
        }

    def clean(self):
        cleaned = super().clean()
        if "bank" in self.errors or "account" in self.errors:
            return cleaned  # each field's own message first (e.g. too long)
        try:
            cleaned["bank"], cleaned["account"] = hospital_account_check(
                hospital=self.instance, bank=cleaned.get("bank"), account=cleaned.get("account")
            )
        except (InputErrors, Conflict) as error:
            for field, messages in error.errors.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    form = HospitalAccountForm
    list_display = ("name", "code", "level", "county", "bank", "masked_account")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("county",)
    ordering = ("code",)
    show_full_result_count = False
    register_fields = ("code", "name", "level", "county", "designated_from", "designated_to")
    readonly_fields = (*register_fields, "account_history")
    fieldsets = [
        (None, {"fields": register_fields}),
        (
            _("Where the county pays this hospital's claims"),
            {
                "fields": ("bank", "account"),
                "description": _(
                    "A correction is recorded with the account it replaces (shown below) and in the audit "
                    "log. It is refused while a claim of the hospital waits in a payment batch."
                ),
            },
        ),
        (_("Earlier accounts (history of changes)"), {"fields": ("account_history",)}),
    ]

    @admin.display(description=_("account"))
    def masked_account(self, hospital) -> str:
        # Only the last four digits, as everywhere but the edit form and the bank's file.
        return f"****{mask_account(hospital.account)[-4:]}" if hospital.account else "-"

    @admin.display(description=_("changes"))
    def account_history(self, hospital) -> str:
        """Every earlier account, newest first: what was replaced, by whom and when."""
        changes = hospital.account_changes.select_related("changed_by").order_by("-changed_at", "-pk")
        if not changes:
            return _("No change since the register was imported.")
        header = format_html_join("", '<th scope="col">{}</th>', ((label,) for label in HISTORY_COLUMNS.values()))
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    date_format(timezone.localtime(change.changed_at), "DATETIME_FORMAT"),
                    change.changed_by.get_full_name() or change.changed_by.get_username(),
                    change.old_bank or "-",
                    change.old_account or "-",
                    change.new_bank or "-",
                    change.new_account or "-",
                )
                for change in changes
            ),
        )
        # A region the keyboard can reach, so a narrow screen can scroll the table.
        return format_html(
            '<div class="account-history" tabindex="0" role="region" aria-label="{}"><table>'
            "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
            _("Earlier accounts (history of changes)"),
            header,
            rows,
        )

    def has_add_permission(self, request):
        # The register comes from `import_hospitals`.
        return False

    def has_delete_permission(self, request, obj=None):
        # Settlements, claims and staff refer to hospitals.
        return False

    def save_model(self, request, obj, form, change):
        hospital = hospital_account_change(
            actor=request.user,
            hospital_id=obj.pk,
            bank=form.cleaned_data.get("bank"),
            account=form.cleaned_data.get("account"),
        )
        obj.bank, obj.account = hospital.bank, hospital.account
