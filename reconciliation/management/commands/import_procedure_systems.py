"""``manage.py import_procedure_systems FILE.csv``: effective-dated procedure → system assignments."""

from reconciliation.services.assignment_import import import_procedure_systems
from tthc.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Upsert which system handles each procedure, in which provinces, from which date, from a CSV file "
        "with columns procedure_code,system_code,province_codes,valid_from,valid_to (empty system_code: each "
        "province's own system; empty province_codes: every province, else codes separated by ';'; dates "
        "YYYY-MM-DD, valid_to inclusive and optional). Idempotent; rows with errors are reported by row and "
        "column and skipped (exit status 1)."
    )
    service = staticmethod(import_procedure_systems)  # type: ignore[assignment]
