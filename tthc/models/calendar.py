from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarOverrideQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The calendar is national: every authenticated user may read it."""
        return self if user is not None and user.is_authenticated else self.none()


class CalendarOverride(models.Model):
    """An administrator's correction to the working-day calendar.

    Public holidays come from the ``holidays`` package; the Government also decides extra Tết days,
    compensatory days off and make-up working Saturdays each year: those are rows here.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CalendarOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
