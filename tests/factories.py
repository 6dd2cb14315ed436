"""factory_boy factories shared by every app's tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from tthc.models import Agency, AgencyKind, Dossier, DossierStatus, Procedure
from tthc.services.agencies import save_agency


class AgencyFactory(factory.django.DjangoModelFactory):
    """Agencies go through ``save_agency`` so their tree path is maintained like in production."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"A{n:05d}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    kind = AgencyKind.PROVINCE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return save_agency(model_class(*args, **kwargs))


def ministry(code="BTP", name="Bộ Tư pháp", parent=None):
    return AgencyFactory(code=code, name=name, kind=AgencyKind.MINISTRY, parent=parent)


def province(code="01", name="Thành phố Hà Nội", parent=None):
    return AgencyFactory(code=code, name=name, kind=AgencyKind.PROVINCE, parent=parent)


def commune(parent, code=None, name=None):
    kwargs = {"kind": AgencyKind.COMMUNE, "parent": parent}
    if code:
        kwargs["code"] = code
    if name:
        kwargs["name"] = name
    return AgencyFactory(**kwargs)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.LazyAttribute(lambda o: f"Thủ tục {o.code}")
    field_code = "HT"
    field_name = "Hộ tịch"
    ministry = factory.SubFactory(AgencyFactory, kind=AgencyKind.MINISTRY)
    level_province = True
    level_commune = True
    processing_amount = 5
    processing_unit = "working_days"


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    code = factory.Sequence(lambda n: f"D-{n:08d}")
    procedure = factory.SubFactory(ProcedureFactory)
    receiving_agency = factory.SubFactory(AgencyFactory)
    status = DossierStatus.PROCESSING
    received_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    submitted_at = factory.LazyAttribute(lambda o: o.received_at)
    due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=7) if o.received_at else None)
