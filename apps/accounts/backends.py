from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class SignInLockBackend(AxesStandaloneBackend):
    """django-axes' lock check for sign-ins over HTTP.

    Every sign-in form passes the request (Django's AuthenticationForm does); `authenticate()`
    without one — the test client's `login()`, a shell — has no client address to lock and
    is left to the password backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
