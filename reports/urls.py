"""Document pages (namespace ``reports``); the API is in reports/api/urls.py."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("documents/jobs/<uuid:pk>/", views.job, name="job"),
    path("documents/jobs/<uuid:pk>/file/", views.job_file, name="job-file"),
    path("documents/<str:kind>/", views.document, name="document"),
]
