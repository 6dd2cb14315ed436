"""Every UI string has a Vietnamese translation.

The strings are collected as ``makemessages`` would find them — ``{% translate %}`` and
``{% blocktranslate %}`` in the templates (through Django's own ``templatize``), ``gettext`` /
``gettext_lazy`` / ``ngettext`` / ``pgettext`` calls with literal text in the Python sources — and each
must come out different in Vietnamese. A string that reads the same in both languages (a code, a
proper name) is listed in ``SAME_IN_BOTH``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "accounts",
    "tthc",
    "reconciliation",
    "complaints",
    "indicators",
    "readiness",
    "reports",
    "demo",
    "config",
)
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
SAME_IN_BOTH = {
    "API",
    "Email",
    "Menu",
    "OK",
    "CSV",
    "Excel",
    "PDF",
    "Word",
    "ID",
    "%(value)s",
    "766",
}
SINGULAR = {"gettext", "gettext_lazy", "_", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
_CALL = re.compile(
    r"\b(gettext|ngettext|pgettext|npgettext)\(u?(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")"
    r"(?:\s*,\s*u?(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"))?"
)


def _unescape(text: str) -> str:
    return ast.literal_eval(f"'''{text}'''") if "\\" in text else text


def template_strings():
    for folder in TEMPLATE_DIRS:
        if not folder.exists():
            continue
        for path in folder.rglob("*.html"):
            if "drf_spectacular" in path.parts:
                continue
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            for m in _CALL.finditer(code):
                func = m.group(1)
                first = _unescape(m.group(2) if m.group(2) is not None else m.group(3) or "")
                second = m.group(4) if m.group(4) is not None else m.group(5)
                second = _unescape(second) if second is not None else None
                if func == "pgettext":
                    yield path, ("p", first, second)
                elif func == "npgettext":
                    yield path, ("p", first, second)
                else:
                    yield path, ("s", first, None)


def python_strings():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                args = [
                    a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                    for a in node.args
                ]
                if name in SINGULAR | PLURAL and args[0]:
                    yield path, ("s", args[0], None)
                elif name in CONTEXT and len(args) > 1 and args[0] and args[1]:
                    yield path, ("p", args[0], args[1])


def untranslated(found) -> list[str]:
    missing = set()
    with translation.override("vi"):
        for path, (kind, a, b) in found:
            if kind == "s":
                msgid, out = a, translation.gettext(a)
            else:
                msgid, out = b, translation.pgettext(a, b)
            if (
                not msgid.strip()
                or msgid in SAME_IN_BOTH
                or not re.search(r"[A-Za-z]{2}", re.sub(r"%\(\w+\)[sd]|\{\{.*?\}\}", "", msgid))
            ):
                continue
            if out == msgid:
                missing.add(f"{path.relative_to(ROOT)}: {msgid!r}")
    return sorted(missing)


def test_every_template_string_has_a_vietnamese_translation():
    missing = untranslated(template_strings())
    assert not missing, "no Vietnamese translation:\n" + "\n".join(missing)


def test_every_python_ui_string_has_a_vietnamese_translation():
    missing = untranslated(python_strings())
    assert not missing, "no Vietnamese translation:\n" + "\n".join(missing)


def _catalog(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    out = {}
    pattern = r'(?:msgctxt "[^\n]*"\n)?msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)'
    for m in re.finditer(pattern, text):
        if m.group(0).startswith("msgctxt"):
            continue  # a context keeps its own translation
        msgid = "".join(re.findall(r'"(.*)"', m.group(1)))
        out[msgid] = "".join(re.findall(r'"(.*)"', m.group(2)))
    return out


def test_shared_catalog_does_not_contradict_the_apps():
    """Django merges the catalogs and ``core`` comes first: a string of the shared UI catalog translated
    otherwise in an app would replace the app's meaning everywhere (a status "Processing finished"
    shown as a field label "Date processing finished"). Synonyms between two apps are left alone."""
    core = _catalog(ROOT / "core/locale/vi/LC_MESSAGES/django.po")
    clashes = []
    for path in sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")) + [
        ROOT / "locale/vi/LC_MESSAGES/django.po"
    ]:
        if path.parts[-5] == "core":
            continue
        for msgid, msgstr in _catalog(path).items():
            if msgid and msgstr and core.get(msgid) and core[msgid] != msgstr:
                clashes.append(f"{msgid!r}: core {core[msgid]!r} vs {path.relative_to(ROOT)} {msgstr!r}")
    assert not clashes, "\n".join(clashes)


#: Python and brace placeholders: a translation must carry exactly those of its msgid.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def test_every_translation_says_it_once_with_the_msgids_placeholders():
    """A translation wrapped over several lines once came out twice ("X.X.") because a fill script
    matched its first line as an empty msgstr: every notification e-mail said everything twice. Each
    translation, in every catalog, carries the placeholders of its msgid, once each, and does not
    repeat itself."""
    wrong = []
    for path in sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")) + [
        ROOT / "locale/vi/LC_MESSAGES/django.po"
    ]:
        for msgid, msgstr in _catalog(path).items():
            if not msgid or not msgstr:
                continue
            half = len(msgstr) // 2
            if len(msgstr) % 2 == 0 and msgstr[:half] == msgstr[half:]:
                wrong.append(f"{path.relative_to(ROOT)}: repeated: {msgstr!r}")
            elif sorted(PLACEHOLDER.findall(msgstr)) != sorted(PLACEHOLDER.findall(msgid)):
                wrong.append(f"{path.relative_to(ROOT)}: placeholders differ: {msgid!r} → {msgstr!r}")
    assert not wrong, "\n".join(wrong)


def _django_catalog_ids(app: str) -> list[tuple[str, str | None, str | None]]:
    """(msgid, msgid_plural, msgctxt) of a contrib app's English catalog (every string it can show)."""
    import django

    path = Path(django.__file__).parent / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        parts = {
            key: "".join(re.findall(r'"(.*)"', m.group(1)))
            for key in ("msgctxt", "msgid", "msgid_plural")
            if (m := re.search(rf"^{key} ((?:\".*\"\n?)+)", block, re.M))
        }
        if parts.get("msgid"):
            found.append((_unescape(parts["msgid"]), parts.get("msgid_plural"), parts.get("msgctxt")))
    return found


def test_the_admin_and_login_screens_are_vietnamese_too():
    """Django's own Vietnamese catalogs for the admin and authentication leave some strings in English
    ("Show counts", "Password-based authentication"); the project's catalog (``locale/vi``) fills them."""
    missing = []
    with translation.override("vi"):
        for app in ("admin", "auth"):
            for msgid, plural, context in _django_catalog_ids(app):
                if plural is not None:
                    out = translation.ngettext(msgid, _unescape(plural), 1)
                elif context is not None:
                    out = translation.pgettext(context, msgid)
                else:
                    out = translation.gettext(msgid)
                if (
                    out == msgid
                    and msgid not in SAME_IN_BOTH
                    and re.search(r"[A-Za-z]{2}", re.sub(r"%\(\w+\)[sd]|%[sd]|\{\}", "", msgid))
                ):
                    missing.append(f"{app}: {msgid!r}")
    assert not missing, "no Vietnamese translation:\n" + "\n".join(missing)


def _library_messages(package) -> set[str]:
    """The literal texts a library passes to ``_()`` (its messages), read from its sources."""
    found = set()
    for path in Path(package.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_the_api_answers_in_vietnamese_too():
    """REST framework's Vietnamese catalog has about 20 of its 120 messages and django-filter has none:
    a refused API call said "This field may not be null." in English. The project's catalog fills
    every message the two libraries mark for translation."""
    import django_filters
    import rest_framework

    missing = []
    with translation.override("vi"):
        for package in (rest_framework, django_filters):
            for msgid in sorted(_library_messages(package)):
                if msgid in SAME_IN_BOTH or not re.search(r"[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", msgid)):
                    continue
                if translation.gettext(msgid) == msgid:
                    missing.append(f"{package.__name__}: {msgid!r}")
    assert not missing, "no Vietnamese translation:\n" + "\n".join(missing)
    with translation.override("vi"):
        assert translation.gettext("This field may not be null.") == "Trường này không được để null (trống)."
