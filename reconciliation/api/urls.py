"""Reconciliation routes, included under ``api/v1/`` by config/urls.py.

Each engineer keeps their routes in their own block below.
"""
from django.urls import include, path

from .api.runs import router as runs_router
from .api.sources import router as sources_router
from .api.sync import SyncDossiersView

app_name = "reconciliation"

urlpatterns = [
    # --- Ingestion (sync from source systems) ---------------------------------------------------
    path("sync/dossiers/", SyncDossiersView.as_view(), name="sync-dossiers"),
    # --- Source systems (national configuration; tokens shown once) -------------------------------
    path("", include(sources_router.urls)),
    # --- Reconciliation runs, gaps, exports ------------------------------------------------------
    # (the pages — matrix, gap list, dossier comparison — are in reconciliation/page_urls.py)
    path("reconciliation/", include(runs_router.urls)),
]
