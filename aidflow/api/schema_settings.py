"""drf-spectacular's settings for the OpenAPI schema (read by aidflow.settings as SPECTACULAR_SETTINGS).

Only names and dotted paths: importing this module loads nothing of Django or the apps.
"""

API_SCHEMA_SETTINGS = {
    "TITLE": "AidFlow API",
    "DESCRIPTION": "Medical-aid applications: filing, review, approval, notices and audit.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's error answers and every answer's required fields (aidflow/api/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "aidflow.api.openapi.complete_schema",
    ],
    # The Swagger UI is served from the app's own static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "aidflow.policy.models.Category.choices",
        "AidTypeEnum": "aidflow.policy.models.AidType.choices",
        "DecisionEnum": "aidflow.cases.models.Decision.choices",
        "StageDecisionEnum": ["forward", "return", "reject", "approve"],
        "ApplicationStatusEnum": "aidflow.cases.choices.Status.choices",
        "SettlementStatusEnum": "aidflow.settlements.models.SettlementStatus.choices",
        "ClaimStatusEnum": "aidflow.settlements.models.ClaimStatus.choices",
        "PaymentStatusEnum": "aidflow.core.payment.PaymentStatus.choices",
        "BatchStatusEnum": "aidflow.payments.models.BatchStatus.choices",
        "LineStatusEnum": "aidflow.payments.models.LineStatus.choices",
        "VerificationMethodEnum": ["visit", "call"],
        "MonthReviewDecisionEnum": ["accept", "return"],
        "MethodEnum": "aidflow.cases.choices.DeliveryMethod.values",
    },
}
