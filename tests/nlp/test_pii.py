"""Personal data masking (socialops.nlp.pii): the formats Korean customers write, masked with a
hint; property tests that a valid number never survives masking and that prices, dates and
times are never taken for personal data."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.nlp.pii import find_pii, mask_pii

WORDS = st.sampled_from(
    ["안녕하세요", "제", "번호는", "입니다", "확인", "부탁드려요", "please", "call", "me"]
)
FILLER = st.lists(WORDS, min_size=0, max_size=4).map(" ".join)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("연락처 010-1234-5678 입니다", "연락처 010-****-5678 입니다", ["phone"]),
        ("01012345678로 전화 주세요", "010-****-5678로 전화 주세요", ["phone"]),
        ("+82 10-1234-5678", "+82 10-****-5678", ["phone"]),
        ("+821012345678", "+82 10-****-5678", ["phone"]),
        ("사무실 02-123-4567", "사무실 02-****-4567", ["phone"]),
        ("031)123-4567", "031-****-4567", ["phone"]),
        ("주민번호 900101-1234567", "주민번호 900101-*******", ["rrn"]),
        ("9001011234567", "900101-*******", ["rrn"]),
        ("050505-4123456 아이 번호", "050505-******* 아이 번호", ["rrn"]),
        ("카드 4111 1111 1111 1111 결제", "카드 ****-****-****-1111 결제", ["card"]),
        ("4111-1111-1111-1111", "****-****-****-1111", ["card"]),
        ("계좌 110-123-456789 로", "계좌 ***-***-**6789 로", ["account"]),
        ("3333-01-1234567", "****-**-***4567", ["account"]),
        ("입금 계좌번호 12345678901234", "입금 계좌번호 **********1234", ["account"]),
        ("jane.doe@example.com 로 보내요", "j***@example.com 로 보내요", ["email"]),
        (
            "메일 a@b.co, 폰 010 9999 8888",
            "메일 a***@b.co, 폰 010-****-8888",
            ["email", "phone"],
        ),
    ],
)
def test_korean_formats_are_masked_with_a_hint(text: str, masked: str, kinds: list[str]) -> None:
    assert mask_pii(text) == (masked, kinds)


@pytest.mark.parametrize(
    "text",
    [
        "가격 12,000원",
        "1,234,567,890원 결제했어요",
        "2024-01-15 방문",
        "2024.1.15 오후 3:30",
        "2024-01-15-2024-02-15",
        "주문번호 20231225123456",  # a plain long number, no account word before it
        "1588-1234 고객센터",  # a company's number, not a person's
        "4111 1111 1111 1112",  # fails the Luhn check
        "991332-1234567",  # no 13th month: not a resident number (an account-like number)
        "19:30에 출발하는 KE123편",
    ],
)
def test_plain_numbers_are_not_personal_data(text: str) -> None:
    found = [s.kind for s in find_pii(text)]
    if text.startswith("991332"):
        assert "rrn" not in found
    else:
        assert found == []
        assert mask_pii(text) == (text, [])


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        digits = body + check
        total = 0
        for i, c in enumerate(reversed(digits)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits
    raise AssertionError


@st.composite
def rrns(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date.today() - timedelta(days=1)))
    sex = draw(st.sampled_from("12" if born.year < 2000 else "34"))
    rest = draw(st.text("0123456789", min_size=6, max_size=6))
    sep = draw(st.sampled_from(["-", ""]))
    return f"{born:%y%m%d}{sep}{sex}{rest}"


@st.composite
def phones(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["010", "011", "016", "019", "02", "031", "051", "064", "070"]))
    mid = draw(st.text("0123456789", min_size=3 if prefix != "010" else 4, max_size=4))
    last = draw(st.text("0123456789", min_size=4, max_size=4))
    sep = draw(st.sampled_from(["-", " ", ".", ""]))
    if draw(st.booleans()) and prefix != "070":
        return f"+82 {prefix[1:]}{sep}{mid}{sep}{last}"
    return f"{prefix}{sep}{mid}{sep}{last}"


@st.composite
def cards(draw: st.DrawFn) -> str:
    body = draw(st.text("0123456789", min_size=15, max_size=15))
    number = _luhn_complete(draw(st.sampled_from("3456")) + body[1:])
    sep = draw(st.sampled_from(["-", " ", ""]))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


@settings(max_examples=300, deadline=None)
@given(before=FILLER, after=FILLER, number=st.one_of(rrns(), phones(), cards()))
def test_masking_never_leaves_a_valid_numbers_digits(before: str, after: str, number: str) -> None:
    masked, kinds = mask_pii(f"{before} {number} {after}")
    assert len(kinds) == 1
    left = _digits(masked)
    digits = _digits(number)
    assert digits not in left
    # what stays is the hint only: the birth date; the last four; the area code and last four
    if kinds == ["rrn"]:
        assert left == digits[:6]
    elif kinds == ["card"]:
        assert left == digits[-4:]
    else:
        assert kinds == ["phone"]
        assert left.endswith(digits[-4:]) and digits.startswith(left[:-4])
        assert len(left) <= len(digits) - 3  # the middle group (3 or 4 digits) is gone


@settings(max_examples=300, deadline=None)
@given(
    before=FILLER,
    price=st.integers(min_value=0, max_value=10**12),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
    form=st.sampled_from(["{p:,}원", "₩{p:,}", "{d:%Y-%m-%d}", "{d:%Y.%m.%d}", "{d:%Y/%m/%d}"]),
)
def test_prices_and_dates_are_never_masked(before: str, price: int, day: date, form: str) -> None:
    text = f"{before} {form.format(p=price, d=day)} 입니다"
    assert find_pii(text) == []
    assert mask_pii(text) == (text, [])


@pytest.mark.parametrize(
    "text",
    [
        "900101-1234567 4111 1111 1111 1111",  # a resident number, a space, a card
        "주문번호 12345678901234567 4111111111111111 결제",  # a long order number before it
    ],
)
def test_a_card_right_after_another_number_is_still_found(text: str) -> None:
    masked, kinds = mask_pii(text)
    assert "card" in kinds and "4111 1111 1111 1111" not in masked
    assert "4111111111111111" not in masked and masked.endswith(("1111", "1111 결제"))
