"""Where a payable item (an approved application, an approved settlement claim) stands with the
county's payment (INTERFACES section 9). Kept on the item itself, so lists filter on one column."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

# A bank account or 惠民惠农一卡通 number: 10-30 digits.
ACCOUNT = re.compile(r"^[0-9]{10,30}$")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Not paid")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")


# What a new batch may take: never paid, or returned by the bank.
PAYABLE = (PaymentStatus.UNPAID, PaymentStatus.FAILED)


def mask_account(account: str) -> str:
    """Only the last four digits show, e.g. ************1234."""
    if not account:
        return ""
    return "*" * max(len(account) - 4, 0) + account[-4:]


class PaymentFields(models.Model):
    """The payment state every payable item carries; written by the payment services only."""

    payment_status = models.CharField(
        _("payment"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    payment_batch = models.CharField(_("payment batch"), max_length=40, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        abstract = True
