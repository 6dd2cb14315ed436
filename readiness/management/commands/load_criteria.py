"""``manage.py load_criteria FILE.json`` (or ``--example``): load a criteria set, idempotently."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...services import criteria


class Command(BaseCommand):
    help = (
        "Load a readiness criteria set from a JSON file (code, version, name, issuer, issued_on, "
        "in_force_from, assess_by, is_example, criteria[...]); --example loads the shipped EXAMPLE set."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the JSON file")
        parser.add_argument("--example", action="store_true", help="load the shipped example set")

    def handle(self, *args, **options):
        if not options["file"] and not options["example"]:
            raise CommandError("give a FILE or --example")
        path = criteria.EXAMPLE if options["example"] else options["file"]
        try:
            criteria_set, created = criteria.load_file(path)
        except (OSError, ValueError, ValidationError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        verb = "created" if created else "updated"
        self.stdout.write(f"{criteria_set} {verb}: {criteria_set.criteria.count()} criteria")
