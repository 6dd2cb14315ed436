from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before Django's auth URLs: the reset page queues the mail for every address (accounts.views).
    path("accounts/password_reset/", accounts_views.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("accounts.api")),
    path("api/v1/", include("tthc.api.urls")),
    path("api/v1/", include("reconciliation.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("reconciliation.page_urls")),
    path("", include("complaints.urls")),  # sync-gap requests: /requests/ pages and /api/v1/requests/
    path("", include("indicators.urls")),  # the 766 index: /api/v1/indicators/, /indicators/, /public/results/
    path("", include("tthc.urls")),
]

# A refused write is written to the audit log before the 403 page is shown.
handler403 = "accounts.views.permission_denied"
