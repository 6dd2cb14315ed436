"""The accounts API, included under ``api/v1/`` by config/urls.py (namespace ``accounts-api``)."""

from django.urls import path

from .views import MeView

app_name = "accounts-api"

urlpatterns = [path("me/", MeView.as_view(), name="me")]
