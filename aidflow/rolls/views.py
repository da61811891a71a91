"""The roll look-up screen: is this person on a roll, and on which, on a given day (audited)."""

from django.utils import timezone
from django.views.generic import TemplateView

from aidflow.core.errors import InputErrors, NotFound
from aidflow.policy.models import Category
from aidflow.regions.models import Region
from aidflow.rolls.lookups import roll_lookup


def _category_label(code: str | None) -> str | None:
    return str(Category(code).label) if code in Category.values else code


class RecipientLookupView(TemplateView):
    """A form (ID number, day) and, once asked, what the rolls say; each look-up is recorded."""

    template_name = "rolls/lookup.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        id_number = (self.request.GET.get("id_number") or "").strip()
        on = (self.request.GET.get("on") or "").strip()
        context.update({"id_number": id_number, "on": on or timezone.localdate().isoformat()})
        if id_number:
            try:
                result = roll_lookup(user=self.request.user, id_number=id_number, on=on or None)
                context["result"] = {
                    **result,
                    "category": _category_label(result["category"]),
                    "region": Region.objects.filter(code=result["region"]).first() or result["region"],
                    "periods": [
                        {**period, "category": _category_label(period["category"])} for period in result["periods"]
                    ],
                }
            except InputErrors as error:
                context["errors"] = error.errors
            except NotFound as error:
                context["not_found"] = str(error)
        return context
