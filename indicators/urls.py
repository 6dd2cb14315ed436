"""Index pages (namespace ``indicators``): the dashboard, rankings, drill-down, late units and the
public results page; the API is in indicators/api/urls.py."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.index, name="index"),
    path("indicators/rankings/", views.rankings, name="rankings"),
    path("indicators/late/", views.late_units, name="late"),
    path(
        "indicators/procedures-without-dossiers/",
        views.procedures_without_dossiers,
        name="procedures-without-dossiers",
    ),
    path("indicators/<code:agency>/", views.dashboard, name="dashboard"),
    path("indicators/<code:agency>/<period:period>/<code:code>/", views.component, name="component"),
    path("public/results/", views.public_results, name="public-results"),
]
