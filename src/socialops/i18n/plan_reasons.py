"""Channel reasons the product writes into a plan itself, beside the templates' own (which
carry their English in ``reasons_en``): the demo plans' (:mod:`socialops.plan.demo`). A plan keeps
the Korean; :func:`socialops.plan.templates.reason_text` shows an English reader the English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "plan.reason.facebook_fans": (
        "브랜드 페이지 팬 13만 명: 기존 고객과의 대화 채널",
        "a brand page with 130,000 fans: the channel for talking with existing customers",
    ),
    "plan.reason.facebook_added": (
        "템플릿 후보에 없지만 브랜드의 가장 큰 기존 고객 채널이라 추가",
        "not among the template's candidates, but the brand's largest channel of existing "
        "customers",
    ),
}
