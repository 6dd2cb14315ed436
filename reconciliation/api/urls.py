"""The reconciliation API, included under ``api/v1/`` by config/urls.py (namespace ``reconciliation-api``).
The pages (matrix, gap list, dossier comparison) are in reconciliation/urls.py."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import reported, views

app_name = "reconciliation-api"

sources = SimpleRouter()
sources.register("source-systems", views.SourceSystemViewSet, basename="source-system")
runs = SimpleRouter()
runs.register("runs", views.RunViewSet, basename="run")
runs.register("gaps", views.GapViewSet, basename="gap")

urlpatterns = [
    path("sync/dossiers/", views.SyncDossiersView.as_view(), name="sync-dossiers"),
    path("reported-counts/", reported.ReportedCountsView.as_view(), name="reported-counts"),
    path("", include(sources.urls)),
    path("reconciliation/", include(runs.urls)),
]
