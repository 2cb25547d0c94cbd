"""Following a project, a 街道/社区 or a programme by e-mail: ask, confirm, unsubscribe.

The form sits on cached public pages, so it carries no CSRF token and its POST is exempt: it
acts for no signed-in user, and what it can do — send one confirmation e-mail — is bounded by
the double opt-in and by rate limits per IP and per address. Unsubscribing answers the
one-click POST mail clients send (RFC 8058), which carries no token either.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.common.pii import email_index
from apps.notifications.follows import (
    follow_confirm,
    follow_for_confirm_token,
    follow_for_unsubscribe_token,
    follow_request,
    follow_unsubscribe,
    target_of,
)
from apps.notifications.models import FollowFrequency
from apps.public import ratelimit
from apps.public.forms import FollowForm

TEMPLATE = "public/follows/follow.html"


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def follow_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        kind = next((k for k in FollowForm.KINDS if request.GET.get(k)), "")
        form = FollowForm(initial={"kind": kind, "target": request.GET.get(kind, "")})
        return render(request, TEMPLATE, {"state": "form", "form": form})
    limit = ratelimit.follow_ip_limit()
    form = FollowForm(request.POST)
    if limit.record(request) > limit.limit:
        context = {"state": "form", "form": form, "rate_limited": True, "retry_minutes": limit.retry_after_minutes}
        response = render(request, TEMPLATE, context, status=429)
        response["Retry-After"] = str(limit.window)
        return response
    if not form.is_valid():
        return render(request, TEMPLATE, {"state": "form", "form": form}, status=400)
    email, target = form.cleaned_data["email"], form.cleaned_data["found"]
    per_address = ratelimit.follow_address_limit()
    # Beyond the address's daily limit nothing is sent, and the page says the same as ever:
    # whoever typed a stranger's address learns nothing about it.
    if per_address.record(email_index(email)) <= per_address.limit:
        follow_request(email=email, target=target, frequency=form.cleaned_data["frequency"])
    return render(request, TEMPLATE, {"state": "sent", "target": target})


@never_cache
@require_http_methods(["GET", "POST"])
def follow_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: a mail scanner that opens every link confirms nothing."""
    found = follow_for_confirm_token(token)
    if found is None:
        return render(request, TEMPLATE, {"state": "invalid"}, status=404)
    follow, frequency = found
    context = {"target": target_of(follow), "frequency": FollowFrequency(frequency).label}
    if request.method == "POST":
        follow_confirm(follow=follow, frequency=frequency)
        return render(request, TEMPLATE, {**context, "state": "confirmed", "token": token})
    return render(request, TEMPLATE, {**context, "state": "confirm", "token": token})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def follow_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    follow = follow_for_unsubscribe_token(token)
    if follow is None:  # unsubscribed already (or a forged link): saying so reveals nothing
        return render(request, TEMPLATE, {"state": "unsubscribed"})
    if request.method == "POST":
        target = target_of(follow)
        follow_unsubscribe(follow=follow)
        return render(request, TEMPLATE, {"state": "unsubscribed", "target": target})
    return render(request, TEMPLATE, {"state": "unsubscribe", "target": target_of(follow), "token": token})
