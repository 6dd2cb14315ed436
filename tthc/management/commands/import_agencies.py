from tthc.services.imports import import_agencies

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Upsert agencies by code from a CSV file with columns code,name,kind,parent_code,valid_from,valid_to "
        "(optional short_name, successor_code). kind: central, ministry, ministry_level, province, commune, "
        "unit, one_stop; dates YYYY-MM-DD."
    )
    service = staticmethod(import_agencies)
