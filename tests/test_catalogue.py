"""The one bilingual catalogue (socialops.i18n): every message renders in Korean and English,
the Korean has no English sentence in it, and every error the product raises is coded.

The last check scans src/ for a :class:`~socialops.errors.SocialopsError` (or a subclass) made
from a plain sentence rather than a catalogue code; :data:`PENDING` lists the files whose
errors are still being converted (issue 13): shrink it to nothing, never grow it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from socialops.errors import DataError, PlanError, SettingsError, SocialopsError
from socialops.i18n import LANGS, MESSAGES, has, t
from socialops.web import accounts

SRC = Path(__file__).resolve().parents[1] / "src" / "socialops"

# words a Korean sentence may keep in Latin letters: product, platform, format and standard
# names (compared lower-case)
NAMES = {
    "socialops",
    "instagram",
    "facebook",
    "youtube",
    "tiktok",
    "naver",
    "kakao",
    "kakaotalk",
    "twitter",
    "x",
    "threads",
    "linkedin",
    "google",
    "outlook",
    "excel",
    "spark",
    "pyspark",
    "duckdb",
    "java",
    "jre",
    "postgresql",
    "sqlite",
    "csv",
    "tsv",
    "xlsx",
    "jsonl",
    "json",
    "parquet",
    "pdf",
    "html",
    "ics",
    "utm",
    "kpi",
    "kpis",
    "api",
    "rrule",
    "iana",
    "url",
    "id",
    "ok",
    "http",
    "https",
    "and",
    "or",
    "not",
    "ttf",
    "truetype",
    "cp",
    "utf",
}
PHRASES = ("Share of Voice",)  # a marketing term of art, kept beside its Korean
_WORD = re.compile(r"^[A-Za-z][A-Za-z'-]*$")
_CODE_SPAN = re.compile(r"`[^`]*`")
# errors whose first positional argument is their catalogue code
POSITIONAL_CODE = {
    "PlanError",
    "PasswordError",
    "KpiUnmeasurable",
    "InvitationError",
    "PublishError",
    "EngageError",
}
# errors whose class fixes the one code they carry (checked below)
FIXED_CODE = {"LastOwnerError": "accounts.last_owner"}

# files that still make an error from a plain sentence, being converted by their owners
# (issue 13, part 4): the list only shrinks
PENDING: set[str] = set()


def _dummy(text: str) -> dict[str, object]:
    """A value for every field of ``text``: a number where the format asks for one."""
    params: dict[str, object] = {}
    for _, field, spec, _ in string.Formatter().parse(text):
        if field is None:
            continue
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        numeric = bool(spec) and (spec[-1] in ",dfn%" or "," in spec)
        params[name] = 1234 if numeric else "X"
    return params


def test_every_message_has_both_languages() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_renders_with_its_parameters(lang: str) -> None:
    for key, entry in MESSAGES.items():
        text = entry[lang]
        params = _dummy(entry["ko"]) | _dummy(entry["en"])
        rendered = text.format(**params)  # strict: a field without a value is an error here
        assert rendered.strip(), key
        assert t(key, lang, **params) == rendered or "/" in rendered, key


def _english_runs(text: str) -> list[str]:
    """Runs of three or more English words in ``text`` outside ``{fields}``, `code` and the
    allowed names."""
    text = _CODE_SPAN.sub(" ", text)
    for phrase in PHRASES:
        text = text.replace(phrase, " ")
    text = re.sub(r"\{[^{}]*\}", " ", text)
    runs, run = [], []
    for token in text.split():
        word = token.strip(".,;:!?()[]'\"<>…·–—/")
        if _WORD.match(word) and word.lower() not in NAMES:
            run.append(word)
            continue
        if len(run) >= 3:
            runs.append(" ".join(run))
        run = []
    if len(run) >= 3:
        runs.append(" ".join(run))
    return runs


def test_korean_has_no_english_sentences() -> None:
    found = {key: runs for key, e in MESSAGES.items() if (runs := _english_runs(e["ko"]))}
    assert not found, found


def test_the_heuristic_sees_english() -> None:
    assert _english_runs("파일을 읽을 수 없습니다: the file is broken") == ["the file is broken"]
    assert not _english_runs("`socialops plan list`로 확인해 주세요 ({detail})")
    assert not _english_runs("Instagram, Facebook, YouTube 채널")


def test_a_coded_error_renders_in_both_languages_with_its_class_status() -> None:
    err = DataError(code="store.empty")
    assert err.coded and err.http_status == 422 and err.exit_code == 3
    assert err.text("ko") != err.text("en") and "게시물" in err.text("ko")
    stale = PlanError("plan.stale", current=4)
    assert stale.http_status == 409 and "4" in stale.text("en")
    assert PlanError("plan.not_found", plan_id="p").http_status == 404
    assert SettingsError(code="config.bad_lang", value="fr").http_status == 400
    with pytest.raises(KeyError):
        SettingsError(code="no.such.key")
    # the CLI's hint is a key of its own, which the web never shows
    assert has("store.empty.cli") and "socialops" not in DataError(code="store.empty").text("ko")


def test_the_cli_message_keeps_paths_and_the_web_text_does_not(tmp_path: Path) -> None:
    err = SettingsError(code="cli.no_sample_data", path=tmp_path / "data")
    assert str(tmp_path) in err.message  # the person at the terminal owns the path
    assert str(tmp_path) not in err.text("en")  # a web reader sees the name only


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    classes = {"SocialopsError"}
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in classes:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & classes:
                        classes.add(node.name)
                        grew = True
    return classes


def uncoded_errors() -> dict[str, list[int]]:
    """``file -> lines`` where a SocialopsError is made without a catalogue code."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in SRC.rglob("*.py")}
    classes = _error_classes(trees) - POSITIONAL_CODE - set(FIXED_CODE)
    found: dict[str, list[int]] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name in classes and not any(k.arg in ("code", None) for k in node.keywords):
                found.setdefault(path.relative_to(SRC).as_posix(), []).append(node.lineno)
    return found


def test_every_error_is_coded() -> None:
    found = uncoded_errors()
    new = {f: lines for f, lines in found.items() if f not in PENDING}
    assert not new, f"errors made from a plain sentence (give them a catalogue code): {new}"


def test_errors_with_a_fixed_code_carry_it() -> None:
    for name, code in FIXED_CODE.items():
        cls = getattr(accounts, name)
        assert cls().code == code and cls().text("ko") != cls().text("en")


def test_socialops_error_is_the_root() -> None:
    assert issubclass(PlanError, SocialopsError)
