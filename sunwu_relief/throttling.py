from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Per token (per user for session use); anonymous requests are keyed by address."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        auth = getattr(request, "auth", None)
        if auth is not None and getattr(auth, "token_key", None):
            ident = f"token-{auth.token_key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
