"""The site's URLs. One rule for every app: its pages in ``<app>/urls.py`` (namespace ``<app>``), its
API in ``<app>/api/urls.py`` (namespace ``<app>-api``), each with its full paths, included here at the
root and under ``api/v1/``. Django's own auth views and the schema keep their usual names."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from config.docs import RedocView

API_APPS = ["accounts", "tthc", "reconciliation", "complaints", "readiness", "indicators", "reports"]
PAGE_APPS = ["accounts", "reconciliation", "complaints", "readiness", "indicators", "reports", "tthc"]

# The admin's own name, not Django's ("Trang quản trị cho Django").
admin.site.site_header = _("TTHC Platform administration")
admin.site.site_title = _("TTHC Platform administration")
admin.site.index_title = _("Data and accounts")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before Django's auth URLs: the reset page queues the mail for every address (accounts.views).
    path("accounts/password_reset/", accounts_views.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    *(path("api/v1/", include(f"{app}.api.urls")) for app in API_APPS),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI and ReDoc from drf-spectacular-sidecar's files: no CDN, they render offline.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *(path("", include(f"{app}.urls")) for app in PAGE_APPS),
]

# A parameter no page can take: the page's form with the error (JSON under /api/); config/views.py.
handler400 = "config.views.bad_request"
# A refused write is written to the audit log before the 403 page is shown.
handler403 = "accounts.views.permission_denied"
