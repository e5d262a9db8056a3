"""The officer's review aids: taking an application, what changed since its return, the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from certificates.applications.assignment import assign_to_me
from certificates.applications.models import Application
from certificates.applications.statistics import dashboard_statistics
from certificates.applications.versions import resubmission_diff
from certificates.portal.plot import day_bars
from certificates.portal.views.base import (
    allows,
    application_for,
    detail_url,
    officer_only,
    portal_user,
    refusal_shown,
)
from certsvc.problems import ProblemError


@allows("post")
@officer_only
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_for(request, pk)
    try:
        assign_to_me(portal_user(request), application)
    except (ProblemError, ValidationError) as error:
        refusal_shown(request, error)
    back_to_queue = request.POST.get("back") == "queue"
    return redirect(reverse("portal:queue") if back_to_queue else detail_url(application))


@officer_only
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The resubmission side by side with the version the officer returned."""
    application = application_for(request, pk)
    context = {"application": application, "diff": resubmission_diff(application)}
    return render(request, "portal/diff.html", context)


@officer_only
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = dashboard_statistics(user=portal_user(request))
    counts = [(Application.Status(code).label, count) for code, count in figures.counts_by_status.items()]
    context = {"figures": figures, "counts": counts, "plot": day_bars(figures.per_day)}
    return render(request, "portal/officer_dashboard.html", context)
