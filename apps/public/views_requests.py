"""Residents' request pages: submit, track and rate, and the published list.

Views only orchestrate: forms check input, `apps.appeals.services` writes, selectors read,
`apps.public.ratelimit` guards against spam and probing of tracking numbers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.appeals.models import Status
from apps.appeals.selectors import appeal_for_tracking, appeal_for_tracking_token, similar_open_appeals
from apps.appeals.services import appeal_rate, appeal_submit
from apps.appeals.workflow import IllegalTransition
from apps.common.cache import REQUESTS, cached_page
from apps.public import ratelimit
from apps.public.display import DISPLAY_COOKIES
from apps.public.forms import AppealSubmitForm, RatingForm, SimilarForm, TrackForm
from apps.public.selectors_requests import (
    PublishedAppealFilter,
    appeal_next_step,
    is_awaiting_rating,
    published_appeals_page,
    tracking_timeline,
)

SUBMITTED_SESSION_KEY = "public_submitted_tracking_no"


def _not_found_message() -> str:
    return _("没有查到与这组受理编号和手机号码后四位对应的诉求。请核对后再试；如有疑问，请拨打 12345 热线。")


@never_cache
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    limit = ratelimit.submit_limit()
    if request.method != "POST":
        initial = {}
        for name in ("programme", "project"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        return render(request, "public/requests/new.html", {"form": AppealSubmitForm(initial=initial)})

    # Every attempt counts, refused ones too, and before any photo is decoded: a client that
    # posts what fails (a pixel bomb, a bad field) again and again is stopped like a spammer.
    if limit.record(request) > limit.limit:
        # The typed text is kept; the photos are not opened.
        form = AppealSubmitForm(request.POST)
        context = {"form": form, "rate_limited": True, "retry_minutes": limit.retry_after_minutes}
        response = render(request, "public/requests/new.html", context, status=429)
        response["Retry-After"] = str(limit.window)
        return response
    form = AppealSubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            appeal = appeal_submit(**form.service_kwargs())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            request.session[SUBMITTED_SESSION_KEY] = appeal.tracking_no
            return redirect("public:request_submitted")
    context = {"form": form, "photos_dropped": bool(request.FILES)}
    return render(request, "public/requests/new.html", context)


@never_cache
@require_GET
def request_submitted(request: HttpRequest) -> HttpResponse:
    tracking_no = request.session.get(SUBMITTED_SESSION_KEY)
    if not tracking_no:
        return redirect("public:request_new")
    return render(request, "public/requests/submitted.html", {"tracking_no": tracking_no})


def _locked_out(request: HttpRequest, limit: ratelimit.Limit, locked: str = "ip") -> HttpResponse:
    """The "try later" page; `locked` says what: "ip" (a short lockout), "day" or "number"."""
    context = {"retry_minutes": limit.retry_after_minutes, "locked": locked}
    response = render(request, "public/requests/track_locked.html", context, status=429)
    response["Retry-After"] = str(limit.lockout)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def request_track(request: HttpRequest) -> HttpResponse:
    """Tracking number + last 4 phone digits (POSTed, never in a URL) → status, timeline, rating.

    Every POST, the rating too, re-checks the pair, and unknown numbers and wrong digits get
    the same answer. Wrong guesses are counted per IP (a short lockout for wrong guesses, a
    daily cap for everything) and per tracking number (a daily cap for everyone). A right pair
    passes an IP's short lockout: a guesser behind a shared address does not lock out the
    residents behind it, only the number he attacks (README, "Tracking a request").
    """
    if request.method != "POST":
        return render(request, "public/requests/track.html", {"form": TrackForm()})
    ip_limit, ip_daily, number_limit = (
        ratelimit.track_failure_limit(),
        ratelimit.track_daily_limit(),
        ratelimit.track_number_limit(),
    )
    if ip_daily.is_blocked(request):
        return _locked_out(request, ip_daily, "day")
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "public/requests/track.html", {"form": form})
    tracking_no = form.cleaned_data["tracking_no"]
    if number_limit.is_blocked(tracking_no):
        return _locked_out(request, number_limit, "number")
    # Counted before the look-up and taken back if the pair is right: guesses sent in parallel
    # cannot all pass the checks above before any of them is counted.
    ip_limit.record(request)
    daily, number_attempts = ip_daily.record(request), number_limit.record(tracking_no)
    if daily > ip_daily.limit:
        return _locked_out(request, ip_daily, "day")
    if number_attempts > number_limit.limit:
        return _locked_out(request, number_limit, "number")
    appeal = appeal_for_tracking(tracking_no=tracking_no, phone_last4=form.cleaned_data["phone_last4"])
    if appeal is None:
        if daily >= ip_daily.limit:
            return _locked_out(request, ip_daily, "day")
        if number_attempts >= number_limit.limit:
            return _locked_out(request, number_limit, "number")
        if ip_limit.is_blocked(request):  # a wrong guess in the IP's short lockout
            return _locked_out(request, ip_limit)
        return render(request, "public/requests/track.html", {"form": form, "not_found": _not_found_message()})
    for limit in (ip_limit, ip_daily):
        limit.forgive(request)
    number_limit.forgive(tracking_no)

    rating_form = RatingForm()
    just_rated = False
    rating_refused = ""
    if request.POST.get("action") == "rate":
        rating_form, just_rated, rating_refused = _rate(appeal, request.POST)
        appeal = appeal_for_tracking(
            tracking_no=form.cleaned_data["tracking_no"], phone_last4=form.cleaned_data["phone_last4"]
        )
    context = {
        "form": form,
        "appeal": appeal,
        "timeline": tracking_timeline(appeal),
        # A duplicate follows the request it was merged into.
        "main": appeal.merged_into,
        "main_timeline": tracking_timeline(appeal.merged_into) if appeal.merged_into_id else [],
        "awaiting_rating": is_awaiting_rating(appeal),
        "next_step": appeal_next_step(appeal),
        "rating_form": rating_form,
        "just_rated": just_rated,
        "rating_refused": rating_refused,
    }
    return render(request, "public/requests/track.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def request_track_token(request: HttpRequest, token: str) -> HttpResponse:
    """The tracking page opened from the link in a resident's SMS or e-mail: the signed token
    stands in for the tracking number and phone digits. A forged, expired or revoked link gets
    the ordinary tracking form, with a 404."""
    appeal = appeal_for_tracking_token(token)
    if appeal is None:
        context = {"form": TrackForm(), "not_found": _("这个查询链接已失效。请输入受理编号和手机号码后四位查询。")}
        return render(request, "public/requests/track.html", context, status=404)
    rating_form, just_rated, rating_refused = RatingForm(), False, ""
    if request.method == "POST" and request.POST.get("action") == "rate":
        rating_form, just_rated, rating_refused = _rate(appeal, request.POST)
        appeal = appeal_for_tracking_token(token)
    context = {
        "appeal": appeal,
        "token": token,
        "timeline": tracking_timeline(appeal),
        "awaiting_rating": is_awaiting_rating(appeal),
        "next_step": appeal_next_step(appeal),
        "rating_form": rating_form,
        "just_rated": just_rated,
        "rating_refused": rating_refused,
    }
    return render(request, "public/requests/track.html", context)


def _rate(appeal, data) -> tuple[RatingForm, bool, str]:
    """The resident rates the finished request: (the form, whether it was rated, why it was refused)."""
    rating_form = RatingForm(data)
    if not rating_form.is_valid():
        return rating_form, False, ""
    try:
        appeal_rate(
            appeal=appeal,
            rating=rating_form.cleaned_data["rating"],
            solved=rating_form.cleaned_data["solved"],
            comment=rating_form.cleaned_data["comment"],
        )
    except IllegalTransition:
        return rating_form, False, _("这条诉求已经评价过，或还没有办结，不能评价。")
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                rating_form.add_error(field if field in rating_form.fields else None, message)
        return rating_form, False, ""
    return rating_form, True, ""


@require_GET
def request_similar(request: HttpRequest) -> HttpResponse:
    """附近已有相同反映: the request form asks, as the resident picks a 社区 and a class, for open
    published requests of that 社区 and first-level class. Public fields only (tracking number,
    public title, status); at most five; shared from the cache; rate limited per IP."""
    limit = ratelimit.similar_limit()
    if limit.record(request) > limit.limit:
        response = JsonResponse({"error": _("查询太频繁了，请稍后再试。"), "results": []}, status=429)
        response["Retry-After"] = str(limit.window)
        return response
    return _similar(request)


@cached_page(depends=(REQUESTS,), params=("area", "category"))
def _similar(request: HttpRequest) -> HttpResponse:
    form = SimilarForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors, "results": []}, status=400)
    rows = similar_open_appeals(area_id=form.cleaned_data["area"], category_code=form.cleaned_data["category"][:2])
    results = [
        {
            "tracking_no": row["tracking_no"],
            "title": row["published_title"],
            "status": row["status"],
            "status_label": str(Status(row["status"]).label),
        }
        for row in rows
    ]
    # Chinese as UTF-8, not \u escapes: readable, and what the privacy crawl reads.
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


@require_GET
@cached_page(depends=(REQUESTS,), params=(PublishedAppealFilter, "page"), vary_cookies=DISPLAY_COOKIES)
def request_list(request: HttpRequest) -> HttpResponse:
    filterset, page = published_appeals_page(request.GET, request.GET.get("page"))
    return render(request, "public/requests/list.html", {"filter": filterset, "page": page})
