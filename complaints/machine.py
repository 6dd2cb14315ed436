"""The state-machine machinery shared by every case workflow (sync-gap requests, citizen feedback).

A workflow is *data*: a list of :class:`Transition` rows (from, to, who may fire it, which fields it
needs, an optional guard). Everything else — the services that fire transitions, the API that lists
what a user may do, the pages that draw the buttons, the tests — reads that one table, so there is
no second copy of "who may do what" to drift (Signalen's ``workflow.py`` habit).

Guards look only at the case and the moment (never at the submitted fields), so the list of
*available* transitions a page offers is exactly the list the service will accept; the submitted
fields are checked separately by :meth:`Transition.clean`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from core import formatting

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class WorkflowError(Exception):
    """Base of the refusals a transition can meet."""


class UnknownTransition(WorkflowError):
    """The table has no such edge from the case's current state (HTTP 409)."""


class TransitionDenied(WorkflowError, PermissionDenied):
    """The edge exists but the user's role may not fire it (HTTP 403, audited)."""


class GuardFailed(WorkflowError):
    """The edge exists and the user may fire it, but not now (e.g. not overdue yet) (HTTP 409)."""


@dataclass(frozen=True)
class FieldSpec:
    """A field a transition requires (or accepts): text, a date, or one of a few choices."""

    name: str
    kind: str = "text"  # "text" | "date" | "choice"
    label: StrOrPromise = ""
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    required: bool = True
    not_before_today: bool = False  # dates: a target date in the past makes no sense
    #: Dates: at most ``TTHC_REQUEST_TARGET_MAX_DAYS`` after today (a target date, not a typing error).
    bounded_ahead: bool = False
    #: Text: at most this many characters; 0: ``TTHC_REQUEST_TEXT_MAX_CHARS`` (a text column).
    max_length: int = 0

    def clean(self, value, today: date):
        if value in (None, ""):
            if self.required:
                raise ValidationError(_("This field is required."), code="required")
            return "" if self.kind != "date" else None
        if self.kind == "text":
            text = str(value).strip()
            if self.required and not text:
                raise ValidationError(_("This field is required."), code="required")
            MaxLengthValidator(self.max_length or settings.TTHC_REQUEST_TEXT_MAX_CHARS)(text)
            return text
        if self.kind == "date":
            parsed = (
                value
                if isinstance(value, date) and not isinstance(value, datetime)
                else parse_date(str(value))
            )
            if parsed is None:
                raise ValidationError(_("Enter a valid date (YYYY-MM-DD)."), code="invalid")
            if self.not_before_today and parsed < today:
                raise ValidationError(_("The date cannot be in the past."), code="past")
            days = settings.TTHC_REQUEST_TARGET_MAX_DAYS
            if self.bounded_ahead and parsed > today + timedelta(days=days):
                raise ValidationError(
                    _("The date is too far ahead: at most %(days)s days from today (%(latest)s).")
                    % {
                        "days": days,
                        "latest": formatting.date(today + timedelta(days=days)),
                    },
                    code="too_far",
                )
            return parsed
        if self.kind == "choice":
            allowed = [c for c, _label in self.choices]
            if value not in allowed:
                raise ValidationError(
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}, code="invalid_choice"
                )
            return value
        raise ValueError(f"unknown field kind {self.kind!r}")


#: A guard answers ``None`` (allowed) or the reason why not, from the case and the context.
Guard = Callable[[object, "Context"], str | None]


@dataclass(frozen=True)
class Context:
    """Who is firing (their actor codes) and when."""

    actors: frozenset[str]
    now: datetime = field(default_factory=timezone.now)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actors: frozenset[str]
    fields: tuple[FieldSpec, ...] = ()
    guard: Guard | None = None
    label: StrOrPromise = ""

    @property
    def required_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def permits(self, actors: Iterable[str]) -> bool:
        return bool(self.actors & frozenset(actors))

    def blocked(self, obj, ctx: Context) -> str | None:
        return self.guard(obj, ctx) if self.guard else None

    def clean(self, data: dict, today: date) -> dict:
        """The declared fields, validated; unknown keys are ignored (the API forwards its whole body)."""
        cleaned, errors = {}, {}
        for spec in self.fields:
            try:
                cleaned[spec.name] = spec.clean(data.get(spec.name), today)
            except ValidationError as exc:
                errors[spec.name] = exc.messages
        if errors:
            raise ValidationError(errors)
        return cleaned


class Workflow:
    """A named set of states and the transitions between them."""

    def __init__(
        self,
        name: str,
        states: Mapping[str, StrOrPromise],
        initial: str,
        transitions: list[Transition],
        terminal: Iterable[str] = (),
    ):
        self.name = name
        self.states = states  # value → label
        self.initial = initial
        self.terminal = frozenset(terminal)
        self.transitions = list(transitions)
        self._index: dict[tuple[str, str], Transition] = {}
        for t in self.transitions:
            if t.source not in states or t.target not in states:
                raise ValueError(f"{name}: transition {t.source}→{t.target} names an unknown state")
            if (t.source, t.target) in self._index:
                raise ValueError(f"{name}: transition {t.source}→{t.target} declared twice")
            if t.source in self.terminal:
                raise ValueError(f"{name}: terminal state {t.source} has an outgoing transition")
            self._index[(t.source, t.target)] = t

    def label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def get(self, source: str, target: str) -> Transition | None:
        return self._index.get((source, target))

    def outgoing(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def available(self, obj, state: str, ctx: Context) -> list[Transition]:
        """Transitions this actor may fire now: what pages and the API offer, nothing more."""
        return [t for t in self.outgoing(state) if t.permits(ctx.actors) and not t.blocked(obj, ctx)]

    def check(self, obj, state: str, target: str, ctx: Context) -> Transition:
        """The transition to fire, or the refusal: unknown edge, wrong actor, or a failing guard."""
        if target not in self.states:
            raise UnknownTransition(_("Unknown state %(state)s.") % {"state": target})
        t = self.get(state, target)
        if t is None:
            raise UnknownTransition(
                _("A case in state “%(source)s” cannot move to “%(target)s”.")
                % {"source": self.label(state), "target": self.label(target)}
            )
        if not t.permits(ctx.actors):
            raise TransitionDenied(
                _("Your role does not allow moving this case from “%(source)s” to “%(target)s”.")
                % {"source": self.label(state), "target": self.label(target)}
            )
        reason = t.blocked(obj, ctx)
        if reason:
            raise GuardFailed(reason)
        return t
