"""The composer's messages: short links and their clicks, the media library, banned words and
tone notes, and drafts made from a plan's calendar (raised as
:class:`socialops.errors.PublishError`; each says what went wrong and what to do)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # short links
    "link.bad_target": (
        "링크 주소 '{url}'은(는) 쓸 수 없습니다. "
        "http:// 또는 https://로 시작하는 주소를 넣어 주세요.",
        "The link '{url}' cannot be used: give an address that starts with http:// or https://.",
    ),
    "link.unknown": (
        "짧은 링크 '{link}'이(가) 없습니다. 주소를 다시 확인해 주세요.",
        "There is no short link '{link}': check the address.",
    ),
    "link.bad_utm": (
        "UTM 값 '{value}'({field})은(는) 쓸 수 없습니다. 영문 소문자·숫자·. _ -만 써 주세요.",
        "The UTM value '{value}' ({field}) cannot be used: use lowercase a-z, 0-9, '.', '_', '-'.",
    ),
    # the media library
    "media.unknown": (
        "미디어 '{media_id}'이(가) 라이브러리에 없습니다. 미디어 목록을 확인해 주세요.",
        "There is no media '{media_id}' in the library: check the media list.",
    ),
    "media.not_image": (
        "'{file}'은(는) 읽을 수 있는 이미지가 아닙니다. JPEG·PNG·GIF·WebP 파일을 올려 주세요.",
        "'{file}' is not an image that can be read: upload a JPEG, PNG, GIF or WebP file.",
    ),
    "media.too_large": (
        "'{file}'이(가) 너무 큽니다 ({size} MB, 최대 {limit} MB). 줄여서 다시 올려 주세요.",
        "'{file}' is too large ({size} MB, at most {limit} MB): make it smaller and upload it "
        "again.",
    ),
    "media.too_many_pixels": (
        "'{file}'의 화소 수가 너무 많습니다 ({pixels}화소, 최대 {limit}화소). "
        "크기를 줄여 다시 올려 주세요.",
        "'{file}' has too many pixels ({pixels}, at most {limit}): scale it down and upload it "
        "again.",
    ),
    "media.empty_name": (
        "파일 이름이 비어 있습니다. 이름이 있는 파일을 올려 주세요.",
        "The file has no name: upload a file with a name.",
    ),
    "media.alt_too_long": (
        "대체 텍스트가 너무 깁니다 ({count}자, 최대 {limit}자). 줄여 주세요.",
        "The alt text is too long ({count} characters, at most {limit}): shorten it.",
    ),
    # the composer
    "composer.banned": (
        "{profile}: 운영 정책의 금지어가 들어 있습니다: {words}. 고친 뒤 다시 예약해 주세요 "
        "(초안으로는 저장할 수 있습니다).",
        "{profile}: the text has words the operating policy bans: {words}. Change them before "
        "scheduling (it can be saved as a draft).",
    ),
    "composer.problems": (
        "{profile}: 게시할 수 없습니다: {message}",
        "{profile}: cannot be posted: {message}",
    ),
    "composer.tone": ("운영 정책의 톤: {tone}", "The operating policy's tone: {tone}"),
    "composer.no_text": (
        "보낼 글을 입력해 주세요 (채널별 글만 있어도 됩니다).",
        "Write the text to send (a variant per channel is enough).",
    ),
    "composer.unknown_variant": (
        "채널별 글의 프로필 '{name}'은(는) 선택한 프로필이 아닙니다. 프로필을 선택하거나 "
        "그 글을 지워 주세요.",
        "The variant for '{name}' is not for a chosen profile: choose that profile or remove "
        "its variant.",
    ),
    # drafts from a plan's calendar
    "plan_drafts.unknown_item": (
        "계획 '{plan_id}'의 캘린더에 항목 '{item_id}'이(가) 없습니다. 캘린더를 확인해 주세요.",
        "The plan '{plan_id}' has no calendar item '{item_id}': check the calendar.",
    ),
    "plan_drafts.no_profile": (
        "채널 '{channel}'에 쓸 프로필 '{name}'이(가) 없습니다. 프로필을 연결하거나 다른 "
        "프로필을 골라 주세요.",
        "There is no profile '{name}' for the channel '{channel}': connect it or choose another.",
    ),
}
