"""Account pages (namespace ``accounts``); Django's own auth views are included in config/urls.py."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/delegation/", views.delegation, name="delegation"),
    path("accounts/delegation/<int:pk>/revoke/", views.revoke, name="revoke"),
]
