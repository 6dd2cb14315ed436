from tthc.services.imports import import_procedures

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Upsert procedures by code from a CSV file with columns code,name,field_code,field_name,ministry_code,"
        "processing_amount,processing_unit,online_level,fee_bearing,issues_result,citizen_facing,central_system "
        "(optional levels, legal_basis_effective_on, published_on, made_public_on, payment_integrated, "
        "population_data_connected, content_complete)."
    )
    service = staticmethod(import_procedures)
