"""Gap-free sequence numbers: one counter row per key, locked by the transaction that takes a number.

If that transaction rolls back, so does the number - so issued numbers never have holes."""

from django.db import models


def take_next(counter_model: type[models.Model], **key) -> int:
    """The next number for `key` (e.g. county_code and year), inside the caller's transaction."""
    counter_model.objects.bulk_create([counter_model(**key, last=0)], ignore_conflicts=True)
    counter = counter_model.objects.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
