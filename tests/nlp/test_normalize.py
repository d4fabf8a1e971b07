import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from socialops.nlp.normalize import normalize


def test_runs_are_folded() -> None:
    n = normalize("ㅋㅋㅋㅋㅋ 웃기다!!!!! ㅠㅠㅠㅠ ㅎㅎㅎㅎ 왜????")
    assert n.text == "ㅋㅋ 웃기다!! ㅠㅠ ㅎㅎ 왜??"


def test_long_character_runs_keep_emphasis() -> None:
    assert normalize("소오오오오오름").text == "소오오오름"


def test_entities_are_found_and_kept() -> None:
    n = normalize("배송 늦음 @cs_team #배송지연 https://ex.com/a?b=1111 😡")
    assert n.urls == ["https://ex.com/a?b=1111"]
    assert n.mentions == ["@cs_team"]
    assert n.hashtags == ["#배송지연"]
    assert n.emojis == ["😡"]
    assert "https://ex.com/a?b=1111" in n.text  # URLs are not folded


def test_nfc_and_controls() -> None:
    decomposed = unicodedata.normalize("NFD", "한국어")
    n = normalize(decomposed + "\u200b\u0007  끝")
    assert n.text == "한국어 끝"


def test_empty() -> None:
    assert normalize(None).text == ""
    assert normalize("").text == ""


@given(st.text())
def test_normalize_is_idempotent_and_nfc(s: str) -> None:
    once = normalize(s).text
    assert unicodedata.is_normalized("NFC", once)
    assert normalize(once).text == once


def test_fold_shortcut_changes_nothing(data_dir: Path) -> None:
    """``_fold`` skips its four substitutions when one search finds nothing they would change:
    on real reviews and on crafted runs, it gives what the four substitutions give."""
    import gzip

    from socialops.nlp import normalize as nz

    def four(s: str) -> str:
        s = nz._JAMO_LAUGH_RE.sub(r"\1\1", s)
        s = nz._JAMO_CRY_RE.sub("ㅠㅠ", s)
        s = nz._PUNCT_RUN_RE.sub(r"\1\1", s)
        return nz._ANY_RUN_RE.sub(r"\1\1\1", s)

    texts = [
        "ㅋㅋㅋ",
        "ㅎㅎ",
        "ㅠㅜㅠ",
        "ㅠㅠ",
        "!!!",
        "??",
        "...",
        "~~~~",
        "^^^",
        "소오오오름",
        "aaa",
    ]
    with gzip.open(data_dir / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for k, line in enumerate(f):
            texts.append(line.rstrip("\n").split("\t")[-1])
            if k >= 20000:
                break
    for t in texts:
        assert nz._fold(t) == four(t), t
