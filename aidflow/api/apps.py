from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aidflow.api"
    label = "api"
    verbose_name = "API"
