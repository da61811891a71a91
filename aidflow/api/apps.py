from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aidflow.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from aidflow.api.authentication import tokens_revoke_on_credentials_change

        pre_save.connect(tokens_revoke_on_credentials_change, sender=get_user_model(), dispatch_uid="api-token-revoke")
