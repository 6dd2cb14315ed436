"""The agencies and dossiers API, included under ``api/v1/`` by config/urls.py (namespace ``tthc-api``)."""

from rest_framework.routers import SimpleRouter

from .views import AgencyViewSet, DossierViewSet

app_name = "tthc-api"

router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = router.urls
