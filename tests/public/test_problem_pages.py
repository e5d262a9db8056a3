"""Every problem ``type`` URL the API can answer with opens a page, in Russian, Uzbek and English.

The codes are found in the source, not listed here: each ``ProblemError`` (and subclass) raised
with a literal code or carrying one as its class ``code``, each literal ``problem_type`` /
``problem_response`` code, and the default code of every DRF exception that the exception
handler turns into a problem. A new code without a page fails the first test.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator

import pytest
from rest_framework import exceptions

from certificates.public.problem_texts import PROBLEM_PAGES
from certsvc.problems import ProblemError, problem_type
from tests.services import BASE_DIR

SOURCE_ROOTS = ("certsvc", "certificates", "signing")
LANGUAGES = ("ru", "uz", "en")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for root in SOURCE_ROOTS:
        for path in sorted((BASE_DIR / root).rglob("*.py")):
            if "migrations" not in path.parts:
                module = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
                yield module, ast.parse(path.read_text(encoding="utf-8"))


def _problem_classes(trees: list[tuple[str, ast.Module]]) -> dict[str, type[ProblemError]]:
    """Imports every module that defines a class, then takes ProblemError's subclasses by name."""
    for module, tree in trees:
        if any(isinstance(node, ast.ClassDef) for node in tree.body):
            importlib.import_module(module.removesuffix(".__init__"))
    found, todo = {}, [ProblemError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _takes_code_first(cls: type[ProblemError]) -> bool:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    first = parameters[0] if parameters else None
    return first is not None and first.name == "code" and first.kind is first.POSITIONAL_OR_KEYWORD


def _literal_codes(call: ast.Call, first_is_code: bool) -> Iterator[str]:
    candidates = [call.args[0]] if first_is_code and call.args else []
    candidates += [keyword.value for keyword in call.keywords if keyword.arg == "code"]
    for node in candidates:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _source_codes() -> set[str]:
    trees = list(_modules())
    classes = _problem_classes(trees)
    codes = {cls.code for cls in classes.values() if isinstance(getattr(cls, "code", None), str)}
    for _module, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in classes:
                codes.update(_literal_codes(node, _takes_code_first(classes[name])))
            elif name in ("problem_type", "problem_response"):
                codes.update(_literal_codes(node, name == "problem_type"))
    return codes


def _drf_codes() -> set[str]:
    """ValidationError is answered as ``validation_error`` (found in the source); the others by their code."""
    handled_apart = (exceptions.APIException, exceptions.ValidationError)
    answered = [cls for cls in vars(exceptions).values() if isinstance(cls, type)]
    answered = [cls for cls in answered if issubclass(cls, exceptions.APIException)]
    return {cls.default_code for cls in answered if cls not in handled_apart}


API_CODES = sorted(_source_codes() | _drf_codes())


def test_the_codes_are_found_in_the_source():
    assert len(API_CODES) >= 40
    expected = {"validation_error", "not_found", "throttled", "no_active_signing_key", "item_count"}
    assert expected <= set(API_CODES)


def test_every_code_the_api_answers_with_has_a_page():
    assert [code for code in API_CODES if code not in PROBLEM_PAGES] == []


@pytest.mark.parametrize("code", API_CODES)
def test_each_problem_type_url_answers_a_page_in_three_languages(client, settings, code):
    path = problem_type(code).removeprefix(settings.PUBLIC_BASE_URL)
    pages = {lang: client.get(path, {"lang": lang}) for lang in LANGUAGES}

    assert {lang: page.status_code for lang, page in pages.items()} == dict.fromkeys(LANGUAGES, 200)
    titles = {lang: _title(page.content.decode()) for lang, page in pages.items()}
    assert len(set(titles.values())) == 3, titles  # a translated title, not the English one three times
    assert all(f"<code>{code}</code>" in page.content.decode() for page in pages.values())
    assert pages["ru"]["Content-Language"] == "ru"


def test_the_language_follows_accept_language_when_no_lang_is_given(client):
    page = client.get("/problems/validation_error", HTTP_ACCEPT_LANGUAGE="uz,ru;q=0.5")

    assert page["Content-Language"] == "uz"
    assert _title(page.content.decode()) == "Noto‘g‘ri maydonlar"


def test_an_unknown_problem_type_is_not_found(client):
    assert client.get("/problems/no_such_problem").status_code == 404


def _title(html: str) -> str:
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]
