from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarOverride


@receiver([post_save, post_delete], sender=CalendarOverride)
def _invalidate_calendar(**kwargs):
    calendar.invalidate()
