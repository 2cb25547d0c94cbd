"""民生实事 pages: the published proposals, proposing one, and the deputies' vote tallies.

Views only orchestrate: the form checks input, `apps.proposals.services` writes, selectors read,
`apps.public.ratelimit` guards the form as it guards the request form.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.proposals import selectors
from apps.proposals.services import proposal_submit
from apps.public import ratelimit
from apps.public.forms_proposals import ProposalFilterForm, ProposalSubmitForm

SUBMITTED_SESSION_KEY = "public_submitted_proposal_no"


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    years = selectors.proposal_years()
    form = ProposalFilterForm(request.GET or None, years=years)
    year, status = None, ""
    if form.is_bound and form.is_valid():
        year, status = form.cleaned_data["year"], form.cleaned_data["status"]
    proposals = selectors.published_proposals(year=year, status=status)
    page = Paginator(proposals, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    sessions = selectors.closed_vote_sessions().only("year", "body")
    context = {"form": form, "page": page, "vote_years": [s.year for s in sessions]}
    return render(request, "public/proposals/list.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "public/proposals/new.html", {"form": ProposalSubmitForm()})
    limit = ratelimit.proposal_limit()
    if limit.record(request) > limit.limit:
        context = {
            "form": ProposalSubmitForm(request.POST),
            "rate_limited": True,
            "retry_minutes": limit.retry_after_minutes,
        }
        response = render(request, "public/proposals/new.html", context, status=429)
        response["Retry-After"] = str(limit.window)
        return response
    form = ProposalSubmitForm(request.POST)
    if form.is_valid():
        try:
            proposal = proposal_submit(**form.service_kwargs())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            request.session[SUBMITTED_SESSION_KEY] = proposal.tracking_no
            return redirect("public:proposal_submitted")
    return render(request, "public/proposals/new.html", {"form": form})


@never_cache
@require_GET
def proposal_submitted(request: HttpRequest) -> HttpResponse:
    tracking_no = request.session.get(SUBMITTED_SESSION_KEY)
    if not tracking_no:
        return redirect("public:proposal_new")
    return render(request, "public/proposals/submitted.html", {"tracking_no": tracking_no})


@require_GET
def vote_tallies(request: HttpRequest, year: int) -> HttpResponse:
    session = selectors.vote_session_for_year(year)
    if session is None:
        raise Http404
    return render(request, "public/proposals/votes.html", {"session": session})
