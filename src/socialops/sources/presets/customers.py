"""Presets of the ``customers`` stream (:mod:`socialops.sources.streams.customers`) and the
names of personal-identifier columns, which that stream encrypts instead of storing.

``bank-marketing``: UCI Bank Marketing ``bank.csv`` (no customer id: the data row number, from
1, becomes ``customer_id``; the same file gives the same ids on every import). ``customers``: a
CRM export with Korean or English headers; columns it does not know keep their names."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from socialops.sources.presets.metrics import norm_header

__all__ = ["PRESETS", "CustomerPreset", "identifier_kind"]


@dataclass(frozen=True)
class CustomerPreset:
    """Columns a customer file has: ``columns`` maps a canonical name to its header aliases
    (matched ignoring case, spaces and ``_ - / ( ) . :``); ``numeric`` must be numbers;
    ``id_from_row``: the data row number is the ``customer_id``; ``response``: the column that
    says whether the customer responded (the usual ``--target``)."""

    name: str
    description_ko: str
    description_en: str
    columns: dict[str, tuple[str, ...]]
    numeric: tuple[str, ...] = ()
    id_from_row: bool = False
    response: str = ""
    keep_unknown: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "columns": {k: list(v) for k, v in self.columns.items()}}


_BANK_COLUMNS = (
    "age job marital education default balance housing loan contact day month duration "
    "campaign pdays previous poutcome deposit"
).split()

PRESETS: dict[str, CustomerPreset] = {
    "bank-marketing": CustomerPreset(
        name="bank-marketing",
        description_ko="UCI 은행 텔레마케팅(bank.csv): 고객 속성과 정기예금 가입(deposit) 여부. "
        "고객 ID가 없어 데이터 행 번호(1부터)를 customer_id로 씁니다.",
        description_en="UCI Bank Marketing (bank.csv): customer attributes and whether they "
        "took a term deposit (deposit). No customer id: the data row number (from 1) becomes "
        "customer_id.",
        columns={c: (c,) for c in _BANK_COLUMNS},
        numeric=("age", "balance", "day", "duration", "campaign", "pdays", "previous"),
        id_from_row=True,
        response="deposit",
        keep_unknown=False,
    ),
    "customers": CustomerPreset(
        name="customers",
        description_ko="고객 목록(CRM 내보내기): 고객번호, 나이, 성별, 지역, 직업, 이메일, "
        "휴대폰… 한글·영문 머리글. 모르는 열은 그 이름 그대로 둡니다.",
        description_en="A customer list (CRM export): customer id, age, gender, region, job, "
        "e-mail, phone… Korean or English headers; unknown columns keep their names.",
        columns={
            "customer_id": (
                "customer_id",
                "customer id",
                "customer",
                "id",
                "member_id",
                "user_id",
                "고객번호",
                "고객 번호",
                "고객ID",
                "고객아이디",
                "회원번호",
                "회원ID",
                "회원아이디",
            ),
            "age": ("age", "나이", "연령", "만나이"),
            "gender": ("gender", "sex", "성별"),
            "region": ("region", "area", "city", "지역", "시도", "거주지역", "거주지"),
            "job": ("job", "occupation", "직업"),
            "segment": ("segment", "grade", "tier", "등급", "고객등급", "회원등급"),
            "joined_at": ("joined_at", "signup_date", "join date", "가입일", "가입일자"),
            "response": ("response", "responded", "converted", "반응", "응답", "구매여부"),
        },
        numeric=("age",),
        response="response",
    ),
}

# identifiers (PIPA): never stored plain; kind -> header aliases
_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "email": tuple(
        "email e-mail mail emailaddress mailaddress 이메일 이메일주소 메일 메일주소 전자우편 "
        "전자메일 email1 email2".split()
    ),
    "phone": tuple(
        "phone phonenumber phoneno mobile mobilephone mobilenumber cell cellphone cellular tel "
        "telephone msisdn hp 전화 전화번호 휴대폰 휴대폰번호 핸드폰 핸드폰번호 휴대전화 "
        "휴대전화번호 휴대번호 연락처 phone1 phone2".split()
    ),
    "adid": tuple("adid gaid aaid googleadid googleadvertisingid androidadid".split()),
    "idfa": ("idfa", "appleidfa"),
    "maid": tuple("maid mobileadid mobileadvertisingid 광고id 광고식별자 광고아이디".split()),
    "name": tuple("name fullname customername 이름 성명 고객명 고객이름".split()),
}  # the names of segment.identifiers (which this layer cannot import), and a person's name
_IDENT_NORMED = {norm_header(a): kind for kind, al in _IDENTIFIERS.items() for a in al}


def identifier_kind(header: str) -> str | None:
    """``email``, ``phone``, ``adid``, ``idfa``, ``maid`` or ``name`` when ``header`` names a
    personal identifier (Korean or English), else ``None``."""
    return _IDENT_NORMED.get(norm_header(header))
