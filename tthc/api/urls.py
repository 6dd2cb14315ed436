from rest_framework.routers import SimpleRouter

from .views import AgencyViewSet, DossierViewSet

router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="api-agency")
router.register("dossiers", DossierViewSet, basename="api-dossier")

urlpatterns = router.urls
