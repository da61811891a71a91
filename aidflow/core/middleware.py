"""Responses carrying personal data are never stored by a browser or a shared cache."""


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in user and on every API answer
    (static files and the public pages are left to their own headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
