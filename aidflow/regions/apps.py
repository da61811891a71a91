from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def admin_permissions_refresh(sender, using="default", **kwargs) -> None:
    """After `migrate`, an existing admin group gets the model permissions added since it was made.
    Runs once, after the last app's permissions exist."""
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not last:
        return
    from django.contrib.auth.models import Group

    from aidflow.regions.models import Role
    from aidflow.regions.services import role_groups_ensure

    if Group.objects.using(using).filter(name=Role.ADMIN).exists():
        role_groups_ensure()


class RegionsConfig(AppConfig):
    name = "aidflow.regions"
    label = "regions"
    verbose_name = _("Regions and staff")

    def ready(self) -> None:
        post_migrate.connect(admin_permissions_refresh, dispatch_uid="aidflow.regions.admin_permissions")
