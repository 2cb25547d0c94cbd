"""Public pages: views only orchestrate; every read comes from `apps.public.selectors`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.common.cache import ALL_DATA, PROJECTS, cached_aggregate, cached_page
from apps.places.models import GeoPoint
from apps.places.selectors import community_points, subdistricts_with_communities
from apps.projects.selectors import programme_figures
from apps.proposals.selectors import evaluation_results_for_project, inspections_for_project, proposal_for_project
from apps.public import charts, maps, selectors
from apps.public.display import AREA_COOKIE, CONTRAST_COOKIE, COOKIE_MAX_AGE, DISPLAY_COOKIES, TEXT_COOKIE
from apps.public.filters import PARAMS as PROJECT_LIST_PARAMS
from apps.public.filters import ProjectFilterPanel, filter_offer
from apps.public.qr import qr_svg
from apps.reports.selectors import programme_trend, project_trend
from apps.topics.selectors import topics_for_project


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard; with a chosen area it opens with "你的社区", kept per area (one resident's
    choice is never served to another) and following requests too, since it lists them."""
    if request.COOKIES.get(AREA_COOKIE):
        return _home_with_area(request)
    return _home(request)


@cached_page(depends=(PROJECTS,), vary_cookies=DISPLAY_COOKIES)
def _home(request: HttpRequest) -> HttpResponse:
    return _render_home(request, local=None)


@cached_page(depends=ALL_DATA, vary_cookies=(*DISPLAY_COOKIES, AREA_COOKIE))
def _home_with_area(request: HttpRequest) -> HttpResponse:
    return _render_home(request, local=selectors.local_area(request.COOKIES.get(AREA_COOKIE)))


def _render_home(request: HttpRequest, *, local: selectors.LocalArea | None) -> HttpResponse:
    today = timezone.localdate()
    year = selectors.figures_year(today)
    figures = programme_figures(year=year)
    area_choices = subdistricts_with_communities()
    # Whole-table aggregates over a million requests (seconds): shared by all readers, by time.
    rates = cached_aggregate(f"home:rates:{today}", selectors.rates_by_subdistrict)
    monthly = cached_aggregate(f"home:monthly:{today}", selectors.requests_per_month)
    context = {
        "year": year,
        "figures": figures,
        "status_chart": charts.programme_status_chart(figures),
        "requests_chart": charts.monthly_requests_chart(monthly),
        "rates_chart": charts.rates_chart(rates),
        "rates": rates,
        "updates": selectors.latest_updates(),
        "local": local,
        # One query for both the 街道/社区 selects and the 街道 links further down.
        "area_choices": area_choices,
        "subdistricts": area_choices,
    }
    return render(request, "public/home.html", context)


@never_cache
def my_area_set(request: HttpRequest) -> HttpResponse:
    """Remember the 街道 and 社区 a resident chose under the home page's search box, then open
    the home page at "你的社区". A GET form like `display_set`: no JavaScript, no CSRF token."""
    response = HttpResponseRedirect(reverse("public:home") + "#local")
    if request.GET.get("clear"):
        response.delete_cookie(AREA_COOKIE, samesite="Lax")
        return response
    area = selectors.chosen_area(subdistrict=request.GET.get("subdistrict"), community=request.GET.get("community"))
    if area is None:
        response.delete_cookie(AREA_COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            AREA_COOKIE, str(area.pk), max_age=COOKIE_MAX_AGE, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
        )
    return response


# Areas change with the project data's version (like the project list's area filter).
@cached_page(depends=(PROJECTS,))
def my_area_points(request: HttpRequest) -> HttpResponse:
    """The 社区 and 小区 points for "use my location": the phone finds the nearest itself and
    sends only the chosen 街道 and 社区 to `my_area_set`, never its position."""
    response = JsonResponse({"points": community_points()})
    patch_cache_control(response, public=True, max_age=3600)
    return response


@cached_page(depends=(PROJECTS,), params=("page",), vary_cookies=DISPLAY_COOKIES)
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = selectors.programme_or_404(code)
    year = selectors.figures_year()
    figures = programme_figures(year=year, code=programme.code)
    context = {
        "programme": programme,
        "year": year,
        "figures": figures[0],
        "charts": [
            *charts.programme_breakdown_charts(figures[0]),
            *_trend_charts(
                programme_trend(programme.pk, year),
                chart_id="chart-programme-trend",
                title=_("进度走势（%(year)s 年度项目平均进度）") % {"year": year},
                actual_label=_("平均进度"),
            ),
        ],
        "page_obj": selectors.programme_projects(programme=programme, page=request.GET.get("page")),
    }
    return render(request, "public/programme_detail.html", context)


@cached_page(depends=(PROJECTS,), params=PROJECT_LIST_PARAMS, vary_cookies=DISPLAY_COOKIES)
def project_list(request: HttpRequest) -> HttpResponse:
    programmes, areas = selectors.programmes(), subdistricts_with_communities()
    filterset, page_obj = selectors.project_list(
        params=request.GET, offer=filter_offer(programmes, areas), page=request.GET.get("page")
    )
    panel = ProjectFilterPanel(filterset, programmes=programmes, areas=areas, years=selectors.project_years())
    context = {"form": panel.form, "filters": panel, "page_obj": page_obj}
    return render(request, "public/project_list.html", context)


# Its published requests too, and the area page its requests' figures.
@cached_page(depends=ALL_DATA, vary_cookies=DISPLAY_COOKIES)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.project_detail(pk=pk)
    project = detail.project
    points = _point(project.title, project)
    context = {
        "detail": detail,
        "project": project,
        "proposal": proposal_for_project(project.pk),
        "evaluations": evaluation_results_for_project(project.pk),
        "inspections": inspections_for_project(project.pk),
        "monthly_topics": topics_for_project(project.pk),
        "map_points": points,
        "map_layers": maps.tile_layers(),
        "yellow_threshold": settings.HEALTH_YELLOW_THRESHOLD,
        "red_threshold": settings.HEALTH_RED_THRESHOLD,
        "trend_charts": _trend_charts(
            project_trend(project.pk), chart_id="chart-project-trend", title=_("进度走势"), actual_label=_("实际进度")
        ),
    }
    return render(request, "public/project_detail.html", context)


def _trend_charts(points, **chart) -> list[charts.Chart]:
    """The progress trend from the monthly snapshots, once there are two months to compare."""
    return [charts.progress_trend_chart(points, **chart)] if len(points) >= 2 else []


# The print date is the day the page was rendered: cached pages are at most a minute old.
@cached_page(depends=(PROJECTS,), vary_cookies=DISPLAY_COOKIES)
def project_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's 公示牌: an A5 card to print and put up on the site, with QR codes to the
    project page and to the request form about this project (absolute URLs of this host)."""
    project = selectors.project_board(pk=pk)
    project_url = request.build_absolute_uri(reverse("public:project_detail", args=[project.pk]))
    request_url = request.build_absolute_uri(f"{reverse('public:request_new')}?project={project.pk}")
    context = {
        "project": project,
        "printed_on": timezone.localdate(),
        "project_url": project_url,
        "request_url": request_url,
        "project_qr": qr_svg(project_url),
        "request_qr": qr_svg(request_url),
    }
    return render(request, "public/project_board.html", context)


@cached_page(depends=ALL_DATA, vary_cookies=DISPLAY_COOKIES)
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.area_detail(pk=pk)
    area = detail.area
    points = _point(area.name, area)
    for project in detail.project_points:
        points += _point(project.title, project, reverse("public:project_detail", args=[project.pk]))
    context = {
        "detail": detail,
        "area": area,
        "map_points": points,
        "map_layers": maps.tile_layers(),
    }
    return render(request, "public/area_detail.html", context)


def _point(label: str, place: GeoPoint, url: str = "") -> list[dict]:
    """The map marker of a place with a point; none for a place without."""
    if not place.has_point:
        return []
    return [{"label": label, "lat": float(place.latitude), "lng": float(place.longitude), "url": url}]


@never_cache
def display_set(request: HttpRequest) -> HttpResponse:
    """Remember language, text size and contrast in cookies, then go back where the reader was.

    A GET form, so it works without JavaScript and without a CSRF token on every page.
    Only a preference cookie changes, nothing on the server.
    """
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    cookie = {"max_age": COOKIE_MAX_AGE, "samesite": "Lax", "secure": settings.SESSION_COOKIE_SECURE}
    text = request.GET.get("text")
    if text in ("large", "normal"):
        response.set_cookie(TEXT_COOKIE, text, **cookie)
    contrast = request.GET.get("contrast")
    if contrast in ("high", "normal"):
        response.set_cookie(CONTRAST_COOKIE, contrast, **cookie)
    lang = request.GET.get("lang")
    if lang and lang in dict(settings.LANGUAGES) and check_for_language(lang):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=settings.LANGUAGE_COOKIE_AGE or COOKIE_MAX_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response
