"""The index API, included under ``api/v1/`` by config/urls.py (namespace ``indicators-api``)."""

from django.urls import path

from . import views

app_name = "indicators-api"

COMPONENT = "indicators/<code:agency>/<period:period>/components/<code:code>/"
urlpatterns = [
    path("indicators/", views.ScoresView.as_view(), name="scores"),
    path("indicators/rankings/", views.RankingsView.as_view(), name="rankings"),
    path("indicators/late-units/", views.LateUnitsView.as_view(), name="late-units"),
    path(
        "indicators/procedures-without-dossiers/",
        views.ProceduresWithoutDossiersView.as_view(),
        name="procedures-without-dossiers",
    ),
    path("indicators/<code:agency>/early-warning/", views.EarlyWarningView.as_view(), name="early-warning"),
    path(COMPONENT, views.ComponentItemsView.as_view(), name="component"),
    path(f"{COMPONENT}by-unit/", views.ComponentGroupsView.as_view(), name="component-groups"),
]
