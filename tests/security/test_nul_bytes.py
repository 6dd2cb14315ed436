"""A NUL byte (``%00``) in any path or query parameter answers 400 or 404, never 5xx.

The walk covers EVERY URL pattern of the project (the admin's included): each path parameter in
turn replaced by a value containing NUL, and the query string ``?x=%00`` plus every query
parameter name the project reads, each with a NUL value — anonymously and as a province officer.

Twice: with ``RejectNulMiddleware`` (every such request is a 400 at the door), and without it, to
show that the parsers behind it (path converters, filters, period and code lookups) hold on their
own. PostgreSQL refuses NUL in a text literal, so the second walk bites on CI's PostgreSQL pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import django_filters
import pytest
from django.conf import settings
from django.http import QueryDict
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.test_url_gate import _group_spans, walk

from . import world

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
NUL = "%00"
MIDDLEWARE = "core.middleware.RejectNulMiddleware"
#: How a view reads a query parameter: ``GET.get("x")``, ``query_params["x"]``, ``params.getlist("x")``…
READS = re.compile(
    r"""(?:GET|POST|query_params|params|data)(?:\.get|\.getlist|\.pop)?\s*[(\[]\s*["'](\w+)["']"""
)


def query_parameter_names() -> set[str]:
    """Every query parameter the project reads: FilterSet fields (with range suffixes), and the
    names its views and services read from a query string (found in the source)."""
    names = {"x", "page", "page_size", "format", "next", "q", "o", "p", "e", "lang", "version"}
    for path in ROOT.glob("*/**/*.py"):
        if (
            path.parts[len(ROOT.parts)] in (".venv", "tests", "bench", "scripts")
            or "migrations" in path.parts
        ):
            continue
        names.update(READS.findall(path.read_text(encoding="utf-8")))
    get_resolver().url_patterns  # noqa: B018 — imports every view module, hence every FilterSet

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for filterset in subclasses(django_filters.FilterSet):
        if filterset._meta.model is None:  # a base class
            continue
        for name, field in filterset().form.fields.items():
            names.add(name)  # a range filter's widget reads ``<name>_<suffix>`` (``received_at_after``)
            names.update(f"{name}_{suffix}" for suffix in getattr(field.widget, "suffixes", ()))
    return names


def test_the_walk_knows_the_query_parameters_views_read():
    names = query_parameter_names()
    assert {
        "province",
        "source",
        "period",
        "agency",
        "level",
        "set",
        "export",
        "receiving_agency_subtree",
        "received_at_after",
        "unread",
        "days",
        "group",
    } <= names


def _sample(name: str, converter: str, url_name: str, w) -> str:
    """A real value for a path parameter, so that the walk reaches the code behind it."""
    by_name = {
        "agency": "01",
        "period": w.period,
        "fmt": "csv",
        "attachment_id": str(w.attachments[0].pk),
        "uidb64": "MQ",
        "token": "x",
    }
    if name == "code":
        if "indicator" in url_name:
            return "ON_TIME"
        return "01" if "agency" in url_name else "d1"
    if name == "pk":
        for key, obj in (
            ("notification", w.notification),
            ("feedback", w.f["f1"]),
            ("gap-detail", w.gap),
            ("run-detail", w.run),
            ("revoke", None),
        ):
            if key in url_name:
                return str(obj.pk) if obj is not None else "1"
        return str(w.case.pk)
    if name in by_name:
        return by_name[name]
    return "1" if converter in ("int", r"\d+", "[0-9]+") else "x"


def _params(pattern):
    """(name, converter-or-regex) of each parameter of one pattern, in order."""
    if isinstance(pattern, RoutePattern):
        return [
            (m.group(2), m.group(1) or "str") for m in re.finditer(r"<(?:(\w+):)?(\w+)>", str(pattern._route))
        ]
    regex = pattern._regex
    return [
        (re.match(r"\(\?P<(\w+)>", regex[start:end]).group(1), inner)
        for start, end, inner in _group_spans(regex)
    ]


def _render(pattern, values: dict) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], str(pattern._route))
    assert isinstance(pattern, RegexPattern)
    regex = pattern._regex
    out, last = [], 0
    for start, end, _inner in _group_spans(regex):
        out.append(regex[last:start])
        out.append(values[re.match(r"\(\?P<(\w+)>", regex[start:end]).group(1)])
        last = end
    out.append(regex[last:])
    return "".join(out).lstrip("^").rstrip("$").replace("\\", "").replace("/?", "/")


def urls_with_nul(w):
    """(url name, path with one parameter replaced by a NUL value) for every parameter of every URL,
    and (url name, a valid path) for every URL — the query-string walk's base."""
    bases, poisoned = [], []
    for name, chain, _entry in walk(get_resolver().url_patterns):
        name = name or "(unnamed)"
        params = [(p, param) for p in chain for param in _params(p)]
        values = {param: _sample(param, conv, name, w) for _p, (param, conv) in params}
        bases.append((name, "/" + "".join(_render(p, values) for p in chain)))
        for _p, (param, _conv) in params:
            bad = {**values, param: f"x{NUL}y"}
            poisoned.append((name, "/" + "".join(_render(p, bad) for p in chain)))
    return bases, poisoned


def _clients(w):
    officer = Client(raise_request_exception=False)
    officer.force_login(w.officer)
    return {"anonymous": Client(raise_request_exception=False), "officer": officer}


class RecordingQueryDict(QueryDict):
    """``request.GET`` that remembers which names a view read (``*``: it iterated or copied them)."""

    def __init__(self, *args, **kwargs):
        self.read = set()
        super().__init__(*args, **kwargs)
        self.read = set()  # building the dict looked its own keys up

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self.read.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def _everything(self, method):
        def read_all(*args, **kwargs):
            self.read.add("*")
            return method(*args, **kwargs)

        return read_all

    def __getattribute__(self, name):
        if name in ("items", "lists", "keys", "values", "copy", "dict", "urlencode", "__iter__"):
            return object.__getattribute__(self, "_everything")(super().__getattribute__(name))
        return super().__getattribute__(name)


READ: dict[str, set] = {}


def recording_middleware(get_response):
    def middleware(request):
        request.GET = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        response = get_response(request)
        READ.setdefault(request.path, set()).update(request.GET.read)
        return response

    return middleware


def _walk(w, settings, *, per_parameter: bool):
    """Status of every poisoned request: {(who, method, url name, url): status}, and the URLs whose
    query parameters were walked one by one.

    Each URL gets its poisoned paths and the all-at-once query (GET and POST, both users). With
    ``per_parameter``, the officer also sends each query parameter alone (GET) to every page and
    endpoint that answers its plain GET with 200 — so that no parameter hides behind another one
    refused first. Which names a view reads is recorded on two plain requests (without and with
    every name set to ``1``); a view that iterates or copies its query string gets every name.
    """
    bases, poisoned = urls_with_nul(w)
    names = sorted(query_parameter_names())
    all_nul = "&".join(f"{n}={NUL}" for n in names)
    seen, walked = {}, set()

    def send(who, client, method, url_name, url):
        if not url_name.endswith("logout"):  # would end the officer's session for the rest of the walk
            seen[(who, method, url_name, url)] = getattr(client, method)(url).status_code

    for who, client in _clients(w).items():
        for url_name, url in [*poisoned, *((n, f"{b}?x={NUL}&{all_nul}") for n, b in bases)]:
            send(who, client, "get", url_name, url)
            send(who, client, "post", url_name, url)
    if not per_parameter:
        return seen, walked
    client = _clients(w)["officer"]
    settings.MIDDLEWARE = [f"{__name__}.recording_middleware", *settings.MIDDLEWARE]
    READ.clear()
    for url_name, base in bases:
        if base.startswith("/admin/") or client.get(base).status_code != 200:
            continue
        client.get(base + "?" + "&".join(f"{n}=1" for n in names))
        read = READ.get(base, set())
        walked.add(url_name)
        for n in names if "*" in read else sorted(read):
            send("officer", client, "get", url_name, f"{base}?{n}={NUL}")
    return seen, walked


def test_the_middleware_answers_400_to_a_nul_anywhere():
    w = world.build()
    seen, _ = _walk(w, None, per_parameter=False)
    assert len(seen) > 800
    wrong = {key: status for key, status in seen.items() if status != 400}
    assert not wrong, (
        f"{len(wrong)} requests with a NUL were not refused with 400: {sorted(wrong.items())[:20]}"
    )


def test_api_and_page_answers(client):
    body = client.get("/api/v1/dossiers/%00/").json()
    assert body["retry"] is False and "NUL" in body["detail"] and body["error"] == body["detail"]
    page = client.get("/reconciliation/gaps/", {"province": "\x00"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    assert client.get("/indicators/%00/").status_code == 400
    assert client.get("/api/v1/agencies/", {"x\x00": "1"}).status_code == 400  # in a parameter's name too


def test_without_the_middleware_the_parsers_hold(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    w = world.build()
    seen, walked = _walk(w, settings, per_parameter=True)
    errors = {key: status for key, status in seen.items() if status >= 500}
    assert not errors, f"{len(errors)} server errors, the first ones: {list(errors)[:20]}"
    assert len(walked) > 40, "the walk should reach the views behind the parameters, not stop at the login"
