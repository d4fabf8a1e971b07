import pytest

from socialops.nlp.lang import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("배송이 너무 늦어요", "ko"),
        ("ㅋㅋ", "ko"),
        ("@united thanks for the help with my bag", "en"),
        ("Great flight!", "en"),
        ("iPhone 배터리가 금방 닳아요", "ko"),
        ("Muchas gracias por la ayuda con mi equipaje perdido", "other"),
        ("東京へ行きます", "other"),
        ("😀😀", "other"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_declared_language_for_textless_letters() -> None:
    assert detect("👍 100", declared="ko") == "ko"
