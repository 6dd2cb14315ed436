"""The documents API, included under ``api/v1/`` by config/urls.py (namespace ``reports-api``)."""

from django.urls import path

from . import views

app_name = "reports-api"

urlpatterns = [
    path("documents/jobs/<uuid:pk>/", views.JobView.as_view(), name="job"),
    path("documents/jobs/<uuid:pk>/file/", views.JobFileView.as_view(), name="job-file"),
    path("documents/<str:kind>/", views.DocumentView.as_view(), name="document"),
]
