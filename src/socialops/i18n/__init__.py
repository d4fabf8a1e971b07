"""Korean and English text (Korean by default) and locale formatting: the one catalogue the CLI,
the web, reports, exports and every coded error (:class:`socialops.errors.SocialopsError` with a
``code``) render from. It sits below every layer (it imports only :mod:`socialops.redact`), so any
module may use it.

The catalogue is a registry: the web's labels are defined here; every other area keeps its
messages in a module of this package (``socialops/i18n/<area>.py``) with a ``MESSAGES`` dict of
``key -> (korean, english)``; adding an area is adding a file. Keys are unique across areas
(checked when the package loads)."""

from __future__ import annotations

import importlib
import os
import pkgutil
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from socialops.redact import without_paths

__all__ = [
    "LANGS",
    "MESSAGES",
    "both",
    "default_lang",
    "fmt_number",
    "fmt_time",
    "has",
    "pick_lang",
    "render",
    "t",
]

LANGS = ("ko", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "error.unauthenticated": {
        "ko": "로그인이 필요합니다. 다시 로그인해 주세요.",
        "en": "Please sign in: your session is missing or has expired.",
    },
    "error.bad_credentials": {
        "ko": "이메일 또는 비밀번호가 올바르지 않습니다.",
        "en": "Wrong e-mail or password.",
    },
    "error.throttled": {
        "ko": "로그인 시도가 너무 많습니다. {minutes}분 후에 다시 시도해 주세요.",
        "en": "Too many failed sign-ins: try again in {minutes} minutes.",
    },
    "error.forbidden": {
        "ko": "이 작업을 할 권한이 없습니다 (역할: {role}).",
        "en": "Your role ({role}) may not do this.",
    },
    "error.csrf": {
        "ko": "보안 토큰이 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
        "en": "The form's security token does not match: reload the page and try again.",
    },
    "error.unknown_workspace": {
        "ko": "워크스페이스 '{workspace}'를 찾을 수 없습니다.",
        "en": "There is no workspace '{workspace}' you are a member of.",
    },
    "error.not_found": {"ko": "페이지를 찾을 수 없습니다.", "en": "Not found."},
    "error.invalid": {"ko": "입력이 올바르지 않습니다: {detail}", "en": "Invalid input: {detail}"},
    "error.staged_gone": {
        "ko": "미리 본 파일이 서버에 더 이상 없습니다 (1시간이 지났거나 이미 가져왔습니다): "
        "파일을 다시 올려 주세요.",
        "en": "The previewed file is no longer on the server (an hour went by, or it was "
        "imported already): upload it again.",
    },
    "error.too_large": {
        "ko": "파일이 너무 큽니다 (최대 {limit} MB).",
        "en": "The file is too large (at most {limit} MB).",
    },
    "error.body_too_large": {
        "ko": "요청 본문이 너무 큽니다 (최대 {limit}): 더 작게 나누어 보내 주세요.",
        "en": "The request body is too large (at most {limit}): send less at a time.",
    },
    "error.bad_request": {"ko": "요청을 처리할 수 없습니다: {detail}", "en": "{detail}"},
    "error.disk_full": {
        "ko": "서버의 디스크 공간이 부족해 저장하지 못했습니다: 관리자에게 공간 확보를 요청한 뒤 "
        "다시 시도해 주세요.",
        "en": "The server's disk is full, so this could not be saved: ask the administrator to "
        "free space, then try again.",
    },
    "error.server": {
        "ko": "서버 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        "en": "Something went wrong on the server: try again shortly.",
    },
    # chrome
    "app.title": {"ko": "socialops", "en": "socialops"},
    "nav.dashboard": {"ko": "대시보드", "en": "Dashboard"},
    "nav.posts": {"ko": "게시물 탐색", "en": "Posts"},
    "nav.topics": {"ko": "토픽", "en": "Topics"},
    "nav.data": {"ko": "데이터", "en": "Data"},
    "nav.reports": {"ko": "리포트", "en": "Reports"},
    "nav.members": {"ko": "사용자와 역할", "en": "Users and roles"},
    "nav.audit": {"ko": "감사 로그", "en": "Audit log"},
    "nav.account": {"ko": "내 계정", "en": "My account"},
    "nav.sign_out": {"ko": "로그아웃", "en": "Sign out"},
    "login.title": {"ko": "로그인", "en": "Sign in"},
    "login.email": {"ko": "이메일", "en": "E-mail"},
    "login.password": {"ko": "비밀번호", "en": "Password"},
    "login.submit": {"ko": "로그인", "en": "Sign in"},
    "login.signed_out": {"ko": "로그아웃되었습니다.", "en": "You are signed out."},
    "nav.settings": {"ko": "설정", "en": "Settings"},
    "settings.title": {"ko": "워크스페이스 설정", "en": "Workspace settings"},
    "settings.name": {"ko": "이름", "en": "Name"},
    "settings.id": {"ko": "ID", "en": "ID"},
    "settings.zone": {
        "ko": "게시물의 날짜·시간 기준 시간대",
        "en": "Time zone of the posts' days and hours",
    },
    "settings.zone_unset": {"ko": "아직 정제된 게시물 없음", "en": "no enriched posts yet"},
    "settings.folder": {"ko": "데이터 폴더", "en": "Data folder"},
    "settings.save": {"ko": "저장", "en": "Save"},
    "ok.settings_saved": {"ko": "설정을 저장했습니다.", "en": "Settings saved."},
    "settings.new": {
        "ko": "새 워크스페이스 (브랜드 또는 고객사별)",
        "en": "New workspace (one per brand or client)",
    },
    "settings.new_id_help": {
        "ko": "ID: 영문 소문자, 숫자, 대시 1–40자",
        "en": "ID: 1–40 lower-case letters, digits and dashes",
    },
    "settings.create": {"ko": "만들기", "en": "Create"},
    "settings.delete": {
        "ko": "이 워크스페이스와 데이터 삭제",
        "en": "Delete this workspace and its data",
    },
    "settings.main_kept": {
        "ko": "기본(main) 워크스페이스는 삭제할 수 없습니다.",
        "en": "The main workspace cannot be deleted.",
    },
    "account.password": {"ko": "비밀번호 변경", "en": "Change password"},
    "account.password_current": {"ko": "현재 비밀번호", "en": "Current password"},
    "account.password_new": {
        "ko": "새 비밀번호 (10자 이상)",
        "en": "New password (10+ characters)",
    },
    "account.password_wrong": {
        "ko": "현재 비밀번호가 올바르지 않습니다.",
        "en": "The current password is wrong.",
    },
    "ok.password_changed": {
        "ko": "비밀번호를 바꿨습니다. 다른 기기의 로그인은 종료되었고 API 토큰은 모두 "
        "폐기되었습니다.",
        "en": "Password changed; your other sign-ins have ended and your API tokens are revoked.",
    },
    "account.password_help": {
        "ko": "비밀번호를 바꾸면 이 브라우저를 뺀 모든 로그인이 끝나고 개인 API 토큰이 모두 "
        "폐기됩니다 (스크립트에는 새 토큰이 필요합니다).",
        "en": "Changing the password ends every sign-in but this browser's and revokes all your "
        "personal API tokens (scripts will need a new one).",
    },
    # the password policy (socialops.web.passwords)
    "password.too_short": {
        "ko": "비밀번호가 너무 짧습니다: {n}자 이상으로 정하세요.",
        "en": "The password is too short: use at least {n} characters.",
    },
    "password.too_long": {
        "ko": "비밀번호가 너무 깁니다: {n}자 이하로 정하세요.",
        "en": "The password is too long: use at most {n} characters.",
    },
    "password.common": {
        "ko": "흔히 쓰이는 비밀번호라 추측되기 쉽습니다: 몇 개의 단어로 된 문장처럼 남들이 쓰지 "
        "않을 비밀번호를 정하세요.",
        "en": "This password is one of the most common ones and easily guessed: pick one nobody "
        "else uses, e.g. a phrase of a few words.",
    },
    "password.repeated": {
        "ko": "같은 글자나 짧은 패턴의 반복은 비밀번호로 쓸 수 없습니다: 몇 개의 단어로 된 "
        "문장처럼 정하세요.",
        "en": "A repeated character or pattern cannot be a password: pick e.g. a phrase of a few "
        "words.",
    },
    "password.sequence": {
        "ko": "연속된 숫자, 알파벳, 키보드 배열 (1234567890, abcdef, qwerty)은 비밀번호로 쓸 수 "
        "없습니다: 몇 개의 단어로 된 문장처럼 정하세요.",
        "en": "A run of digits, letters or keyboard keys (1234567890, abcdef, qwerty) cannot be a "
        "password: pick e.g. a phrase of a few words.",
    },
    "password.personal": {
        "ko": "비밀번호에 이메일 주소나 이름을 쓸 수 없습니다: 추측하기 어려운 것으로 정하세요.",
        "en": "The password cannot be your e-mail address or name: pick one that is hard to guess.",
    },
    "coverage.gap": {"ko": "수집 공백", "en": "collection gap"},
    "coverage.partial": {"ko": "일부만 수집된 기간", "en": "partly collected period"},
    "coverage.before_first": {
        "ko": "이 토픽의 첫 게시물 이전",
        "en": "before the topic's first post",
    },
    "coverage.level_shift": {
        "ko": "이후 계속되는 수준 변화 (데이터가 여기서 시작)",
        "en": "a lasting level shift (the data starts here)",
    },
    "lang.switch": {"ko": "English", "en": "한국어"},
}

# The pages of the workspace: key → (Korean, English).
_PAGES: dict[str, tuple[str, str]] = {
    # common
    "nav.workspace": ("워크스페이스", "Workspace"),
    "nav.switch": ("이동", "Go"),
    "nav.skip": ("본문으로 건너뛰기", "Skip to the content"),
    "nav.menu": ("메뉴", "Menu"),
    "common.apply": ("적용", "Apply"),
    "common.save": ("저장", "Save"),
    "common.add": ("추가", "Add"),
    "common.remove": ("삭제", "Remove"),
    "common.prev": ("이전", "Previous"),
    "common.next": ("다음", "Next"),
    "common.page": ("{page} / {pages} 쪽", "Page {page} of {pages}"),
    "common.total": ("전체 {n}건", "{n} in all"),
    "common.all": ("전체", "All"),
    "common.none": ("없음", "None"),
    "common.confirm": ("정말 진행할까요? 되돌릴 수 없습니다.", "Go ahead? This cannot be undone."),
    "common.from": ("시작일", "From"),
    "common.to": ("종료일", "To"),
    "common.every": ("집계 단위", "Granularity"),
    "common.no_results": ("결과가 없습니다.", "No results."),
    "common.failed": (
        "이 분석을 실행하지 못했습니다: {detail}",
        "This analysis could not run: {detail}",
    ),
    "common.error": ("오류: {detail}", "Error: {detail}"),
    "common.more": ("더 보기", "More"),
    "every.hour": ("시간", "Hour"),
    "every.day": ("일", "Day"),
    "every.week": ("주", "Week"),
    "kind.brand": ("브랜드", "brand"),
    "kind.competitor": ("경쟁사", "competitor"),
    "kind.product": ("제품", "product"),
    "kind.campaign": ("캠페인", "campaign"),
    "role.owner": ("소유자", "owner"),
    "role.manager": ("매니저", "manager"),
    "role.agent": ("상담원", "agent"),
    "role.analyst": ("분석가", "analyst"),
    "role.viewer": ("뷰어", "viewer"),
    "sentiment.positive": ("긍정", "positive"),
    "sentiment.neutral": ("중립", "neutral"),
    "sentiment.negative": ("부정", "negative"),
    "lang.ko": ("한국어", "Korean"),
    "lang.en": ("영어", "English"),
    "lang.other": ("기타", "Other"),
    "sort.newest": ("최신순", "Newest first"),
    "sort.oldest": ("오래된순", "Oldest first"),
    "sort.engagement": ("참여도순", "Most engaging first"),
    "query.error": (
        "쿼리 오류 ({pos}번째 글자): {detail}",
        "Query error at character {pos}: {detail}",
    ),
    "query.help": (
        '토픽 문법: 단어, "구절", AND, OR, NOT(또는 -), 괄호. 예: 대한항공 AND (지연 OR 결항)',
        'Topic syntax: words, "phrases", AND, OR, NOT (or -), parentheses. '
        "E.g. united AND (delay OR cancelled)",
    ),
    # columns
    "col.topic": ("토픽", "Topic"),
    "col.kind": ("종류", "Kind"),
    "col.mentions": ("언급량", "Mentions"),
    "col.share": ("점유율", "Share"),
    "col.positive": ("긍정", "Positive"),
    "col.neutral": ("중립", "Neutral"),
    "col.negative": ("부정", "Negative"),
    "col.net": ("순감성", "Net sentiment"),
    "col.word": ("단어", "Word"),
    "col.count": ("건수", "Posts"),
    "col.lift": ("리프트", "Lift"),
    "col.theme": ("테마", "Theme"),
    "col.words": ("주요 단어", "Top words"),
    "col.author": ("작성자", "Author"),
    "col.posts": ("게시물", "Posts"),
    "col.engagement": ("참여도", "Engagement"),
    "col.in_links": ("받은 링크", "Links in"),
    "col.time": ("작성 시각", "Posted"),
    "col.text": ("내용", "Text"),
    "col.platform": ("플랫폼", "Platform"),
    "col.lang": ("언어", "Language"),
    "col.sentiment": ("감성", "Sentiment"),
    "col.likes": ("좋아요", "Likes"),
    "col.comments": ("댓글", "Comments"),
    "col.shares": ("공유", "Shares"),
    "col.file": ("파일", "File"),
    "col.preset": ("프리셋", "Preset"),
    "col.format": ("형식", "Format"),
    "col.started": ("시작 시각", "Started"),
    "col.status": ("상태", "Status"),
    # an import's status (socialops.store.workspace: running | done | interrupted | failed)
    "import.status.running": ("진행 중", "running"),
    "import.status.done": ("완료", "done"),
    "import.status.interrupted": ("중단됨", "interrupted"),
    "import.status.failed": ("실패", "failed"),
    "col.rows_read": ("읽은 행", "Rows read"),
    "col.imported": ("가져옴", "Imported"),
    "col.duplicates": ("중복", "Duplicates"),
    "col.quarantined": ("격리", "Quarantined"),
    "col.row": ("행", "Row"),
    "col.reason": ("사유", "Reason"),
    "col.detail": ("내용", "Detail"),
    "col.raw": ("원본", "Raw row"),
    "col.name": ("이름", "Name"),
    "col.query": ("쿼리", "Query"),
    "col.updated": ("수정 시각", "Changed"),
    "col.email": ("이메일", "E-mail"),
    "col.role": ("역할", "Role"),
    "col.when": ("시각", "When"),
    "col.who": ("사용자", "Who"),
    "col.action": ("작업", "Action"),
    "col.target": ("대상", "Target"),
    "col.ip": ("IP", "IP"),
    "col.created": ("만든 시각", "Created"),
    "col.last_used": ("마지막 사용", "Last used"),
    "col.by": ("만든 사람", "By"),
    "col.range": ("기간", "Range"),
    "col.files": ("파일", "Files"),
    # dashboard
    "dash.title": ("대시보드", "Dashboard"),
    "page.computing": (
        "이 화면의 수치를 계산하고 있습니다. 준비되면 페이지가 저절로 새로 고쳐집니다.",
        "The figures of this page are being computed; the page reloads itself when they are ready.",
    ),
    "page.refreshing": (
        "최근 변경(새 데이터나 주제)을 반영하는 중입니다. 아래는 직전에 계산된 수치입니다.",
        "Recent changes (new data or topics) are being taken in; below are the figures computed "
        "just before them.",
    ),
    "page.reload": ("새로 고침", "Reload"),
    "dash.posts": ("게시물", "Posts"),
    "dash.range": ("데이터 기간", "Data range"),
    "dash.platforms": ("플랫폼", "Platforms"),
    "dash.topics": ("추적 중인 토픽", "Tracked topics"),
    "dash.no_topics": (
        "추적 중인 토픽이 없습니다. 토픽을 추가하면 언급량, 점유율, 감성을 볼 수 있습니다.",
        "No topics are tracked yet: add a topic to see mention volume, share of voice and "
        "sentiment.",
    ),
    "dash.add_topics": ("토픽 추가하기", "Add topics"),
    "dash.no_data": (
        "아직 게시물이 없습니다. 파일을 가져오면 분석이 시작됩니다.",
        "There are no posts yet: import a file to start.",
    ),
    "dash.import_data": ("데이터 가져오기", "Import data"),
    "dash.summary": ("토픽 요약", "Topics at a glance"),
    "dash.volume": ("언급량 추이", "Mention volume over time"),
    "dash.sov": ("점유율 (Share of Voice)", "Share of voice"),
    "dash.sov_period": ("기간별 점유율 (%)", "Share of voice by period (%)"),
    "dash.sentiment": ("감성 비율", "Sentiment shares"),
    "dash.net": ("기간별 순감성 (−1 … +1)", "Net sentiment by period (−1 … +1)"),
    "dash.spikes": ("급증 구간", "Spikes"),
    "dash.no_spikes": ("이 기간에 급증 구간이 없습니다.", "No spikes in this range."),
    "dash.zone": ("집계 시간대: {zone}", "Periods are in the workspace zone {zone}"),
    "dash.formulas": (
        "점유율 = 토픽 언급량 / 모든 토픽 언급량 × 100; 순감성 = (긍정 − 부정) / (긍정 + 부정)",
        "share of voice = topic mentions / all topics' mentions × 100; "
        "net sentiment = (positive − negative) / (positive + negative)",
    ),
    "dash.total": ("전체", "All"),
    "spike.volume": ("언급량 급증", "volume spike"),
    "spike.negative": ("부정 급증", "negative spike"),
    "spike.coverage": ("수집 범위 변화 (급증 아님)", "coverage change (not a spike)"),
    "spike.words": ("급증을 이끈 단어", "Words that drove it"),
    "spike.score": ("점수 {score}", "score {score}"),
    "spike.count": ("게시물 {n}건 (평소 {base})", "{n} posts (usual {base})"),
    "spike.examples": ("예시 게시물", "Example posts"),
    # topic page
    "topic.title": ("토픽: {name}", "Topic: {name}"),
    "topic.all_posts": ("이 토픽의 게시물 모두 보기", "All posts of this topic"),
    "topic.assoc": ("연관어", "Association words"),
    "topic.positive_words": ("긍정 연관어", "Positive association words"),
    "topic.negative_words": ("부정 연관어", "Negative association words"),
    "topic.assoc_note": (
        "G² (로그우도): 이 토픽의 게시물에서 나머지보다 두드러지게 많이 쓰인 단어",
        "G² (log-likelihood): words used far more in this topic's posts than elsewhere",
    ),
    "topic.themes": ("테마", "Themes"),
    "topic.complaints": ("불만 사유", "Complaint reasons"),
    "topic.top_posts": ("참여도 높은 게시물", "Most engaging posts"),
    "topic.influencers": ("영향력 있는 작성자", "Influential authors"),
    "topic.by_engagement": ("참여도 기준", "By engagement"),
    "topic.by_network": ("네트워크 기준 (답글·멘션·공유 PageRank)", "By network (PageRank)"),
    "topic.spikes": ("급증 구간과 원인", "Spikes and what drove them"),
    "topic.volume": ("언급량 추이", "Mention volume"),
    "topic.unknown": ("토픽 '{name}'이(가) 없습니다.", "There is no topic '{name}'."),
    # posts
    "posts.title": ("게시물 탐색", "Posts explorer"),
    "posts.query": ("검색 쿼리", "Query"),
    "posts.search": ("검색", "Search"),
    "posts.sort": ("정렬", "Sort"),
    "posts.found": ("게시물 {n}건", "{n} posts"),
    "posts.none": ("조건에 맞는 게시물이 없습니다.", "No posts match."),
    "posts.error": ("검색 조건 오류: {detail}", "Bad search: {detail}"),
    "post.title": ("게시물", "Post"),
    "post.details": ("정보", "Details"),
    "post.enrichment": ("분석 결과", "Enrichment"),
    "post.back": ("게시물 탐색으로", "Back to the explorer"),
    "post.id": ("게시물 ID", "Post ID"),
    "post.kind": ("유형", "Kind"),
    "post.author_id": ("작성자 ID", "Author ID"),
    "post.views": ("조회수", "Views"),
    "post.followers": ("팔로워", "Followers"),
    "post.url": ("원문 링크", "Link"),
    "post.language": ("원본의 언어 표시", "Language given by the source"),
    "post.parent": ("상위 게시물", "Parent"),
    "post.reply_to": ("답글 대상", "Reply to"),
    "post.repost_of": ("공유 원본", "Repost of"),
    "post.source": ("원본 파일과 행", "Source file and row"),
    "post.import": ("가져오기 ID", "Import"),
    "post.lang": ("감지된 언어", "Detected language"),
    "post.score": ("감성 점수", "Sentiment score"),
    "post.tokens": ("토큰", "Tokens"),
    "post.lemmas": ("표제어", "Lemmas"),
    "post.keywords": ("키워드", "Keywords"),
    "post.hashtags": ("해시태그", "Hashtags"),
    "post.mentions": ("멘션", "Mentions"),
    "post.urls": ("링크", "Links"),
    "post.emojis": ("이모지", "Emojis"),
    "post.day": ("날짜 (워크스페이스 시간대)", "Day (workspace zone)"),
    "post.hour": ("시 (워크스페이스 시간대)", "Hour (workspace zone)"),
    "post.text_norm": ("정규화된 내용", "Normalised text"),
    "post.enriched_by": ("분석 파이프라인", "Pipeline"),
    # data
    "data.title": ("데이터", "Data"),
    "data.imports": ("가져오기 기록", "Imports"),
    "data.no_imports": ("아직 가져온 파일이 없습니다.", "Nothing imported yet."),
    "data.quarantine": ("격리된 행", "Quarantined rows"),
    "data.no_quarantine": ("격리된 행이 없습니다.", "No quarantined rows."),
    "data.upload": ("파일 올리기", "Upload a file"),
    "data.file": ("파일", "File"),
    "data.preset": ("프리셋", "Preset"),
    "data.mapping": ("열 매핑 JSON (선택)", "Column mapping JSON (optional)"),
    "data.limit": (
        "최대 {limit} MB · CSV, TSV, XLSX, JSONL, Parquet. 가져온 뒤 바로 분석합니다.",
        "At most {limit} MB · CSV, TSV, XLSX, JSONL, Parquet. Posts are enriched right after.",
    ),
    "data.submit": ("가져오기", "Import"),
    "data.done": (
        "가져오기 완료: 읽은 행 {read}, 가져온 게시물 {imported}, 중복 {dup}, 격리 {q}, "
        "분석한 게시물 {enriched}.",
        "Imported: {read} rows read, {imported} posts imported, {dup} duplicates, "
        "{q} quarantined, {enriched} posts enriched.",
    ),
    "data.failed": (
        "파일을 가져오지 못했습니다 (아무것도 저장하지 않았습니다): {detail}",
        "The file could not be imported (nothing was saved): {detail}",
    ),
    "data.enrich_failed": (
        "가져왔지만 분석하지 못했습니다: {detail}",
        "Imported, but the enrichment failed: {detail}",
    ),
    "data.no_file": ("올릴 파일을 선택해 주세요.", "Choose a file to upload."),
    "data.bad_mapping": (
        "열 매핑이 올바른 JSON 객체가 아닙니다.",
        "The column mapping is not a JSON object.",
    ),
    # the upload's preview and column-mapping form (issue 14, item 12)
    "data.preview": ("미리 보고 열 매핑하기", "Preview and map the columns"),
    "data.preview_title": ("미리 보기: {name}", "Preview: {name}"),
    "data.detected": (
        "형식 {format} · 인코딩 {encoding} · 구분자 {delimiter} · 열 {n}개",
        "Format {format} · encoding {encoding} · delimiter {delimiter} · {n} columns",
    ),
    "data.detected_done": (
        "{name}: 인코딩 {encoding}, 구분자 {delimiter}(으)로 읽었습니다.",
        "{name}: read as {encoding}, delimiter {delimiter}.",
    ),
    "data.first_rows": ("처음 {n}행", "The first {n} rows"),
    "data.map_title": ("열 매핑", "Column mapping"),
    "data.map_help": (
        "게시물의 각 항목을 파일의 어느 열에서 읽을지 고르세요. "
        "고르지 않은 항목은 프리셋대로 읽습니다.",
        "Choose the file's column for each post field; a field left alone is read as the preset "
        "reads it.",
    ),
    "data.map_default": ("프리셋대로: {column}", "As the preset reads it: {column}"),
    "data.map_none": ("프리셋대로 (열 없음)", "As the preset reads it (no column)"),
    "data.import_mapped": ("이 매핑으로 가져오기", "Import with this mapping"),
    "data.mapping_json": ("열 매핑 JSON (고급)", "Column mapping as JSON (advanced)"),
    "col.detected": ("인코딩 · 구분자", "Encoding · delimiter"),
    "delimiter.comma": ("쉼표", "comma"),
    "delimiter.tab": ("탭", "tab"),
    "delimiter.semicolon": ("세미콜론", "semicolon"),
    "delimiter.pipe": ("세로 막대(|)", "pipe (|)"),
    "delimiter.none": ("없음", "none"),
    "postfield.text": ("본문", "Text"),
    "postfield.created_at": ("작성 시각", "Posted at"),
    "postfield.post_id": ("게시물 ID", "Post ID"),
    "postfield.author_handle": ("작성자 이름", "Author handle"),
    "postfield.author_id": ("작성자 ID", "Author ID"),
    "postfield.platform": ("플랫폼", "Platform"),
    "postfield.url": ("게시물 주소", "Post address (URL)"),
    "postfield.language": ("언어", "Language"),
    "postfield.likes": ("좋아요 수", "Likes"),
    "postfield.comments": ("댓글 수", "Comments"),
    "postfield.shares": ("공유 수", "Shares"),
    "postfield.views": ("조회수", "Views"),
    "postfield.author_followers": ("작성자 팔로워 수", "Author's followers"),
    "postfield.parent_id": ("상위 게시물 ID", "Parent post ID"),
    # topics
    "topics.title": ("토픽", "Topics"),
    "topics.none": ("토픽이 없습니다.", "No topics yet."),
    "topics.add": ("토픽 추가", "Add a topic"),
    "topics.edit": ("수정", "Save changes"),
    "topics.new_name": ("이름", "Name"),
    "topics.failed": ("토픽 오류: {detail}", "Topic error: {detail}"),
    "ok.topic_added": ("토픽을 추가했습니다.", "Topic added."),
    "ok.topic_edited": ("토픽을 수정했습니다.", "Topic changed."),
    "ok.topic_removed": ("토픽을 삭제했습니다.", "Topic removed."),
    # members
    "members.title": ("사용자와 역할", "Users and roles"),
    "members.add": ("초대하기", "Invite someone"),
    "members.change": ("역할 변경", "Change role"),
    "members.remove": ("워크스페이스에서 제외", "Remove from workspace"),
    "members.you": ("(나)", "(you)"),
    "members.keep_owner": (
        "워크스페이스에는 소유자가 최소 한 명 있어야 합니다. 다른 사람을 먼저 소유자로 지정하세요.",
        "A workspace keeps at least one owner: make someone else owner first.",
    ),
    "members.not_member": ("이 워크스페이스의 멤버가 아닙니다.", "Not a member of this workspace."),
    "members.roles_help": (
        "소유자: 모든 권한 · 매니저: 토픽, 리포트, 감사 로그 · 분석가: 데이터, 토픽, 리포트 · "
        "상담원: 인박스 · 뷰어: 읽기 전용",
        "owner: everything · manager: topics, reports, audit log · analyst: data, topics, "
        "reports · agent: inbox · viewer: read only",
    ),
    "ok.member_added": ("멤버를 추가했습니다.", "Member added."),
    "ok.member_changed": ("역할을 바꿨습니다.", "Role changed."),
    "ok.member_removed": (
        "멤버를 워크스페이스에서 제외했습니다.",
        "Member removed from the workspace.",
    ),
    # invitations (nobody joins a workspace without accepting)
    "members.invite_help": (
        "초대 링크를 만들어 직접 전달하세요. 받은 사람이 링크를 열어 수락해야 멤버가 됩니다 "
        "(계정이 없으면 그 자리에서 만듭니다). 링크는 {days}일 동안 한 번만 쓸 수 있습니다.",
        "Makes a link for you to send: the person becomes a member when they open it and "
        "accept (someone without an account makes one there). It works once, for {days} days.",
    ),
    "members.invite_submit": ("초대 링크 만들기", "Create an invitation link"),
    "members.invite_made": (
        "{email}님을 {role} 역할로 초대했습니다. 이 링크는 지금 한 번만 표시됩니다. 직접 "
        "전달하세요:",
        "{email} is invited as {role}. This link is shown once: send it to them yourself:",
    ),
    "members.pending": ("대기 중인 초대", "Pending invitations"),
    "members.no_pending": ("대기 중인 초대가 없습니다.", "No pending invitations."),
    "members.invited_by": ("초대한 사람", "Invited by"),
    "members.expires": ("만료", "Expires"),
    "members.revoke": ("초대 취소", "Withdraw"),
    "ok.invitation_revoked": ("초대를 취소했습니다.", "Invitation withdrawn."),
    "ok.invitation_accepted": ("초대를 수락했습니다. 환영합니다!", "Invitation accepted: welcome."),
    "invite.title": ("워크스페이스 초대", "Invitation to a workspace"),
    "invite.offer": (
        "{inviter}님이 {email} 계정을 '{workspace}' 워크스페이스에 {role} 역할로 초대했습니다.",
        "{inviter} invites {email} to the workspace '{workspace}' as {role}.",
    ),
    "invite.someone": ("워크스페이스 소유자", "The workspace's owner"),
    "invite.expires": (
        "이 링크는 {when}까지 한 번만 쓸 수 있습니다.",
        "This link works once, until {when}.",
    ),
    "invite.accept": ("수락하고 참여하기", "Accept and join"),
    "invite.wrong_user": (
        "지금 {me} 계정으로 로그인되어 있습니다. 이 초대는 {email} 계정용입니다. 로그아웃한 뒤 "
        "이 링크를 다시 열어 주세요.",
        "You are signed in as {me}, and this invitation is for {email}: sign out, then open "
        "this link again.",
    ),
    "invite.have_account": ("이미 계정이 있나요?", "Have an account?"),
    "invite.sign_in": ("{email}(으)로 로그인하고 수락하기", "Sign in as {email} to accept"),
    "invite.new_account": (
        "처음이신가요? 비밀번호를 정하면 계정이 만들어지고 워크스페이스에 참여합니다.",
        "New here? Choose a password: your account is made and you join the workspace.",
    ),
    "invite.name": ("이름", "Your name"),
    "invite.password": ("새 비밀번호 (10자 이상)", "New password (at least 10 characters)"),
    "invite.create": ("계정 만들고 참여하기", "Create the account and join"),
    "error.invitation_unknown": (
        "초대 링크가 올바르지 않습니다. 링크 전체를 복사했는지 확인하거나 새 초대를 요청하세요.",
        "This invitation link is not valid: check that it was copied whole, or ask for a new one.",
    ),
    "error.invitation_expired": (
        "초대가 만료되었습니다. {inviter}님에게 새 초대를 요청하세요.",
        "This invitation has expired: ask {inviter} for a new one.",
    ),
    "error.invitation_revoked": (
        "초대가 취소되었습니다. {inviter}님에게 새 초대를 요청하세요.",
        "This invitation was withdrawn: ask {inviter} for a new one.",
    ),
    "error.invitation_used": (
        "이미 사용한 초대입니다 (한 번만 쓸 수 있습니다). 로그인해 주세요.",
        "This invitation has been used already (it works once): sign in instead.",
    ),
    "error.invitation_email": (
        "이 초대는 {email} 계정용입니다. {email}(으)로 로그인한 뒤 수락해 주세요.",
        "This invitation is for {email}: sign in as {email} to accept it.",
    ),
    "error.invitation_exists": (
        "{email} 계정이 이미 있습니다. {email}(으)로 로그인한 뒤 수락해 주세요.",
        "An account for {email} exists already: sign in as {email} to accept.",
    ),
    "error.invitation_member": (
        "{email}님은 이미 이 워크스페이스의 멤버입니다. 역할은 멤버 표에서 바꾸세요.",
        "{email} is a member of this workspace already: change their role instead.",
    ),
    # audit
    "audit.title": ("감사 로그", "Audit log"),
    "audit.none": ("기록이 없습니다.", "Nothing recorded yet."),
    "audit.zone": ("시각은 {zone} 기준입니다.", "Times are in {zone}."),
    # reports
    "reports.title": ("리포트", "Reports"),
    "reports.new": ("리스닝 리포트 만들기", "Generate a listening report"),
    "reports.topic": ("주제 토픽", "Topic"),
    "reports.vs": ("비교 대상", "Compared with"),
    "reports.lang": ("리포트 언어", "Report language"),
    "reports.generate": ("생성", "Generate"),
    "reports.list": ("만든 리포트", "Reports made so far"),
    "reports.none": ("아직 만든 리포트가 없습니다.", "No reports yet."),
    "reports.no_topics": ("리포트를 만들려면 토픽을 먼저 추가하세요.", "Add a topic first."),
    "reports.failed": ("리포트를 만들지 못했습니다: {detail}", "The report failed: {detail}"),
    "reports.help": (
        "HTML 리포트와 모든 표를 담은 XLSX를 만듭니다. 기간을 비우면 데이터 전체 기간입니다.",
        "Writes the HTML report and an XLSX with every table. Leave the dates empty for the "
        "whole data range.",
    ),
    "ok.report_made": ("리포트를 만들었습니다.", "Report generated."),
    # account
    "account.title": ("내 계정", "My account"),
    "account.prefs": ("언어와 시간대", "Language and time zone"),
    "account.lang": ("언어", "Language"),
    "account.tz": ("시간대", "Time zone"),
    "account.tokens": ("개인 API 토큰", "Personal API tokens"),
    "account.tokens_help": (
        "스크립트에서 Authorization: Bearer <토큰> 헤더로 /api/v1 을 사용할 수 있습니다.",
        "Scripts use /api/v1 with the header Authorization: Bearer <token>.",
    ),
    "account.token_name": ("토큰 이름", "Token name"),
    "account.create_token": ("토큰 만들기", "Create a token"),
    "account.token_once": (
        "이 토큰은 지금 한 번만 표시됩니다. 안전한 곳에 보관하세요:",
        "This token is shown once: keep it somewhere safe:",
    ),
    "account.revoke": ("폐기", "Revoke"),
    "account.no_tokens": ("토큰이 없습니다.", "No tokens."),
    "account.sessions": ("모든 기기에서 로그아웃", "Sign out everywhere"),
    "account.sessions_help": (
        "이 계정의 모든 로그인 세션을 끝냅니다 (이 브라우저 포함). 개인 API 토큰은 그대로 둡니다.",
        "Ends every session of this account, this browser's included. Personal API tokens keep "
        "working.",
    ),
    "account.sessions_tokens": (
        "모든 기기에서 로그아웃하고 API 토큰도 모두 폐기",
        "Sign out everywhere and revoke all API tokens",
    ),
    "account.sessions_tokens_help": (
        "계정이 도용되었을 수 있다면: 모든 세션을 끝내고 개인 API 토큰도 모두 폐기합니다 "
        "(스크립트에는 새 토큰이 필요합니다).",
        "If the account may be compromised: ends every session and also revokes all personal "
        "API tokens (scripts will need a new one).",
    ),
    "account.workspaces": ("내 워크스페이스", "My workspaces"),
    "account.no_workspaces": (
        "아직 속한 워크스페이스가 없습니다. 소유자에게 초대를 요청하세요.",
        "You are not a member of any workspace yet: ask an owner to invite you.",
    ),
    "account.activity": ("내 계정 활동", "Account activity"),
    "account.activity_help": (
        "로그인(실패 포함), 로그아웃, 토큰, 비밀번호와 설정 변경 기록 최근 {n}건입니다. 본인만 "
        "볼 수 있습니다 (워크스페이스 감사 로그에는 나오지 않습니다).",
        "Your latest {n} sign-ins (failed ones too), sign-outs, tokens, password and preference "
        "changes. Only you see these (they are not in any workspace's audit log).",
    ),
    "account.no_activity": ("기록이 없습니다.", "Nothing recorded yet."),
    "ok.prefs_saved": ("저장했습니다.", "Saved."),
    "ok.token_revoked": ("토큰을 폐기했습니다.", "Token revoked."),
}
MESSAGES.update({k: {"ko": ko, "en": en} for k, (ko, en) in _PAGES.items()})


def t(key: str, lang: str, /, **params: Any) -> str:
    """The message ``key`` in ``lang`` (Korean when missing), with ``params`` filled in; a
    parameter that names a file under a server folder names only the file
    (:func:`socialops.redact.without_paths`)."""
    return render(key, lang, params)


def both(key: str, /, **params: Any) -> tuple[str, str]:
    """The message ``key`` in Korean and in English, whole paths kept: for a value that keeps
    both renderings (a KPI's reason, a calendar warning, a measurement note)."""
    return render(key, "ko", params, paths=True), render(key, "en", params, paths=True)


def render(key: str, lang: str, params: dict[str, Any], *, paths: bool = False) -> str:
    """:func:`t` with the parameters as a dict; ``paths=True`` keeps whole paths (the CLI's
    messages: the person at the terminal owns them)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["ko"]
    if not params:
        return text
    if not paths:  # a parameter (often an error's detail) names a file, not where it lies
        params = {k: without_paths(v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):  # a parameter missing: the sentence as written
        return text


def pick_lang(accept_language: str | None, cookie: str | None = None) -> str:
    """``cookie`` when it names a language, else the first of ko/en in Accept-Language, else
    Korean."""
    if cookie in LANGS:
        return str(cookie)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "ko"


def fmt_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """Thousands separators (the same in ko and en), ``digits`` decimals."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def fmt_time(value: datetime | str | None, tz: str, lang: str) -> str:
    """A moment in the user's zone: ``2026년 11월 26일 14:05`` / ``2026-11-26 14:05``."""
    if value is None or value == "":
        return "–"
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    if dt.tzinfo is not None:
        dt = dt.astimezone(ZoneInfo(tz))
    if lang == "ko":
        return f"{dt.year}년 {dt.month}월 {dt.day}일 {dt:%H:%M}"
    return f"{dt:%Y-%m-%d %H:%M}"


# campaign plans (socialops.web.plan_pages); the plan's own labels are socialops.plan.labels
_PLANS: dict[str, tuple[str, str]] = {
    "nav.plans": ("캠페인 계획", "Plans"),
    "plans.title": ("캠페인 계획", "Campaign plans"),
    "plans.none": (
        "아직 계획이 없습니다. 아래에서 템플릿으로 첫 계획을 만들어 보세요.",
        "No plans yet: start one from a template below.",
    ),
    "plans.new": ("템플릿으로 새 계획 만들기", "New plan from a template"),
    "plans.create": ("계획 만들기", "Create the plan"),
    "plans.name_example": ("예: 봄 신제품 출시 캠페인", "e.g. Spring product launch"),
    "plans.budget_example": ("예: 30,000,000 (비우면 템플릿 기본값)", "e.g. 30,000,000"),
    "plans.topics_help": (
        "캠페인이 다루는 리스닝 토픽 (Ctrl/⌘ 키로 여러 개 선택, 첫 번째 = 우리 브랜드)",
        "Listening topics of the campaign (Ctrl/⌘ to pick several; first = own brand)",
    ),
    "plans.sections": ("계획 메뉴", "Plan sections"),
    "plans.tab.overview": ("개요", "Overview"),
    "plans.tab.calendar": ("콘텐츠 캘린더", "Content calendar"),
    "plans.tab.edit": ("계획 수정", "Edit"),
    "plans.tab.list": ("← 계획 목록", "← All plans"),
    "plans.done.created": ("계획을 만들었습니다 (초안).", "Plan created (draft)."),
    "plans.done.saved": ("계획을 저장했습니다.", "Plan saved."),
    "plans.done.moved": ("계획 상태를 바꿨습니다.", "Plan moved on."),
    "plans.done.channel_added": ("채널을 채널 믹스에 추가했습니다.", "Channel added to the mix."),
    "plans.done.channel_removed": (
        "채널을 채널 믹스에서 뺐습니다.",
        "Channel removed from the mix.",
    ),
    "plans.done.item_saved": ("콘텐츠를 저장했습니다.", "Calendar item saved."),
    "plans.done.item_deleted": ("콘텐츠를 삭제했습니다.", "Calendar item deleted."),
    "plans.done.deleted": ("계획을 삭제했습니다.", "Plan deleted."),
    "plans.done.metrics_imported": (
        "실적 데이터를 가져왔습니다. KPI 표가 새 값으로 계산됐습니다.",
        "Metrics imported; the KPI table is measured against them.",
    ),
    "plans.metrics.title": ("실적 데이터 가져오기", "Import metrics"),
    "plans.metrics.help": (
        "게시물 성과(도달·노출·참여·클릭, 채널별·게시물별)나 UTM 캠페인·소스별 전환(웹 분석 "
        "내보내기 등)을 CSV 또는 XLSX로 올리면 이 워크스페이스의 모든 계획이 그 값으로 "
        "측정됩니다. 같은 게시물·같은 날짜 행은 새 값으로 갱신됩니다.",
        "Upload post metrics (reach, impressions, engagements, clicks per post and channel) or "
        "conversions by UTM campaign and source (e.g. a web-analytics export) as CSV or XLSX; "
        "every plan in this workspace is measured against them. Rows for the same post or day "
        "are updated with the new values.",
    ),
    "plans.metrics.options_help": (
        "채널: 채널 열이 없는 게시물 파일의 채널(예: instagram). 연도: facebook-metrics 파일의 "
        "월이 속한 연도. 비워 두면 프리셋 기본값을 씁니다.",
        "Channel: the channel of a post file without a channel column (e.g. instagram). Year: "
        "the year of a facebook-metrics file's months. Empty = the preset's default.",
    ),
    "plans.metrics.year": ("연도", "Year"),
    "plans.metrics.submit": ("가져오기", "Import"),
    "plans.metrics.updated": ("갱신", "Updated"),
    "plans.metrics.rejected": ("거부", "Rejected"),
    "plans.metrics.none": ("아직 가져온 실적 데이터가 없습니다.", "No metrics imported yet."),
    "plans.metrics.done": (
        "{file}: {read}행 읽음 — 새로 {imported}, 갱신 {updated}, 거부 {rejected}.",
        "{file}: {read} rows read — {imported} new, {updated} updated, {rejected} rejected.",
    ),
    "plans.any_approver": (
        "지정 없음 (승인 권한이 있는 누구나)",
        "none named (anyone who may approve)",
    ),
    "plans.workflow": ("진행 단계", "Review"),
    "plans.note": ("메모", "Note"),
    "plans.note_help": ("반려할 때는 이유를 꼭 적어 주세요", "Say why when you reject"),
    "plans.no_actions": (
        "지금 이 계획에 할 수 있는 처리가 없습니다.",
        "There is nothing you can do with this plan now.",
    ),
    "plans.action.submit": ("검토 요청", "Submit for review"),
    "plans.action.withdraw": ("검토 요청 철회", "Withdraw"),
    "plans.action.reject": ("반려", "Reject"),
    "plans.action.approve": ("승인", "Approve"),
    "plans.action.start": ("집행 시작", "Start"),
    "plans.action.finish": ("종료", "Finish"),
    "plans.action.reopen": ("초안으로 되돌리기", "Reopen as draft"),
    "plans.exports": ("내려받기", "Downloads"),
    "plans.export.html": ("계획서 (HTML)", "Plan document (HTML)"),
    "plans.export.pdf": ("계획서 (PDF)", "Plan document (PDF)"),
    "plans.export.ics": ("캘린더 (ICS: 구글 캘린더·아웃룩)", "Calendar (ICS: Google, Outlook)"),
    "plans.export.xlsx": ("엑셀 (XLSX)", "Workbook (XLSX)"),
    "plans.export.json": ("데이터 (JSON)", "Data (JSON)"),
    "plans.delete": ("계획 삭제", "Delete the plan"),
    "plans.no_channels": (
        "아직 고른 채널이 없습니다. 아래 추천에서 추가해 주세요.",
        "No channels chosen yet: add some from the recommendation below.",
    ),
    "plans.recommendation": ("채널 추천", "Channel recommendation"),
    "plans.recommendation_help": (
        "목표·세그먼트·예산과 (데이터가 있으면) 리스닝 언급량·채널 성과로 매긴 점수입니다. "
        "상위 {n}개가 추천 채널이며, 추천과 다르게 고르거나 뺄 때는 이유를 남깁니다.",
        "Scored on the objectives, segments and budget and, with data, on listening mentions "
        "and channel performance. The top {n} are recommended; choosing against them needs a "
        "reason, which the plan keeps.",
    ),
    "plans.recommended": ("추천", "recommended"),
    "plans.in_mix": ("선택됨", "in the mix"),
    "plans.add_channel": ("추가", "Add"),
    "plans.remove_channel": ("빼기", "Remove"),
    "plans.why": ("이유", "Why"),
    "plans.reason_needed": ("추천과 다른 선택: 필수", "against the recommendation: required"),
    "plans.no_budget": (
        "채널별 예산이 없습니다 (총예산 {total}원).",
        "No budget lines (total KRW {total}).",
    ),
    "plans.budget_ok": ("총예산과 일치", "adds up to the total"),
    "plans.budget_off": ("총예산 {total}원과 다름", "differs from the total of KRW {total}"),
    "plans.link_builder": ("추적 링크 만들기", "Link builder"),
    "plans.build_link": ("링크 만들기", "Build the link"),
    "plans.optional": ("선택", "optional"),
    "plans.no_kpis": ("KPI 목표가 없습니다.", "No KPI targets."),
    "plans.all_channels": ("전체 채널", "all channels"),
    "plans.formulas": ("KPI 산식과 페이싱 읽는 법", "KPI formulas and how pacing reads"),
    "plans.pacing_help": (
        "누적 KPI(도달, 언급량, 전환 등)는 '오늘까지 기대치 = 목표 × 경과 비율'과 비교하고, "
        "비율 KPI(참여율, 순감성 등)는 목표와 바로 비교합니다. 페이싱 100% = 계획대로, "
        "90% 미만이면 미달 경고입니다.",
        "Cumulative KPIs (reach, mentions, conversions…) are compared with 'expected to date = "
        "target × share of the period elapsed'; rates (engagement rate, net sentiment…) with the "
        "target itself. Pacing 100% = on plan; under 90% is a warning.",
    ),
    "plans.source.listening": ("리스닝 데이터", "listening data"),
    "plans.source.post_metrics": ("게시물 성과 가져오기", "imported post metrics"),
    "plans.source.conversions": ("전환 데이터 가져오기", "imported conversions"),
    "plans.source.inbox": ("고객 응대함", "inbox"),
    "plans.when": ("일시", "When"),
    "plans.won": ("원", " KRW"),
    "plans.minutes": ("분", " min"),
    "plans.edit_title": ("계획 수정", "Edit plan"),
    "plans.locked_help": (
        "'{state}' 상태의 계획은 여기서 고칠 수 없습니다 (승인된 내용은 그대로 유지). 콘텐츠 "
        "캘린더는 승인·진행 중에도 고칠 수 있습니다. 내용을 바꾸려면 '초안으로 되돌리기'를 하세요.",
        "A plan that is '{state}' cannot be changed here (what was approved stays). Its content "
        "calendar can still change while approved or running; to change the rest, reopen it as "
        "a draft.",
    ),
    "plans.approvers_help": (
        "쉼표로 구분한 이메일. 비우면 승인 권한이 있는 누구나 승인할 수 있습니다. 가능한 "
        "사람: {who}",
        "E-mails, comma separated; empty: anyone who may approve. Who may: {who}",
    ),
    "plans.blocks_help": (
        "빈 블록에 적으면 추가, 이름을 지우면 삭제됩니다. 여러 값은 쉼표로 구분합니다.",
        "Fill the empty block to add one; clear a name to remove it. Separate values with commas.",
    ),
    "plans.new_block": ("새로 추가", "new"),
    "plans.budget_help": (
        "채널별 금액의 합이 총예산과 같아야 합니다. 채널을 '–'로 두면 그 줄은 삭제됩니다.",
        "The lines must add up to the total. A line with channel '–' is removed.",
    ),
    "plans.utm_help": (
        "영문 소문자, 숫자, '.', '_', '-'만 씁니다. 비우면 source = 채널 키, medium = social.",
        "Lowercase letters, digits, '.', '_' and '-'. Empty: source = the channel key, "
        "medium = social.",
    ),
    "plans.one_per_line": ("한 줄에 하나:", "One per line:"),
    "plans.comma_separated": ("쉼표로 구분", "comma separated"),
    "plans.cancel": ("취소", "Cancel"),
    # the calendar
    "plans.cal.month": ("월간", "Month"),
    "plans.cal.week": ("주간", "Week"),
    "plans.cal.prev": ("← 이전", "← Previous"),
    "plans.cal.next": ("다음 →", "Next →"),
    "plans.cal.today": ("오늘", "Today"),
    "plans.cal.month_title": ("{year}년 {month}월", "{month_name} {year}"),
    "plans.cal.week_title": ("{start} ~ {end} 주간", "Week of {start} to {end}"),
    "plans.cal.outside": ("계획 기간 밖", "outside the period"),
    "plans.cal.warnings": ("캘린더 경고", "Calendar warnings"),
    "plans.cal.no_warnings": ("경고가 없습니다.", "No warnings."),
    "plans.cal.items": ("콘텐츠 목록", "All items"),
    "plans.cal.no_items": ("아직 콘텐츠가 없습니다.", "No calendar items yet."),
    "plans.cal.add": ("콘텐츠 추가", "Add a calendar item"),
    "plans.cal.edit": ("콘텐츠 수정", "Edit the calendar item"),
    "plans.cal.new": ("새 콘텐츠", "New item"),
    "plans.cal.delete": ("이 콘텐츠 삭제", "Delete this item"),
    "plans.cal.repeat": ("반복", "Repeat"),
    "plans.cal.count": ("횟수", "Times"),
    "plans.cal.repeat.none": ("반복 안 함", "No repeat"),
    "plans.cal.repeat.weekly": ("매주", "Weekly"),
    "plans.cal.repeat.biweekly": ("격주", "Every two weeks"),
    "plans.cal.repeat.monthly": ("매월", "Monthly"),
    "plans.cal.repeat.custom": ("직접 지정 (RRULE)", "Custom (RRULE)"),
    "plans.cal.assets": ("에셋 링크 (한 줄에 하나)", "Asset links (one per line)"),
    "plans.cal.link": ("랜딩 URL (UTM은 자동으로 붙습니다)", "Landing URL (UTM tags added)"),
    "plans.cal.tracked": (
        "게시할 추적 링크 (계획의 UTM, utm_content = 콘텐츠 ID):",
        "Tracked link to post (the plan's UTM, utm_content = item id):",
    ),
    "plans.cal.limits": ("채널별 글자 수 제한:", "Text limits by channel:"),
    "plans.cal.locked": (
        "'{state}' 상태의 계획은 캘린더를 고칠 수 없습니다.",
        "The calendar of a plan that is '{state}' cannot change.",
    ),
    "plans.cal.repeats": ("반복 {n}회", "repeats {n}×"),
    # the score breakdown of the channel recommendation (socialops.plan.recommend)
    "plans.factor.objective": ("목표 적합", "objectives"),
    "plans.factor.audience": ("타깃 연령 이용률", "audience"),
    "plans.factor.traits": ("채널 특성", "traits"),
    "plans.factor.budget": ("예산 적합", "budget"),
    "plans.factor.listening": ("리스닝 언급", "listening"),
    "plans.factor.performance": ("채널 성과", "performance"),
    "plans.weight": ("가중치 {w}%", "weight {w}%"),
    "plans.more_reasons": ("이유 {n}개 더 보기", "{n} more reasons"),
    # the forms' own errors (socialops.web.plan_forms.FormError)
    "planform.bad_number": (
        "'{field}' 값 '{value}'을(를) 읽을 수 없습니다. {low}~{high} 사이의 정수를 입력해 주세요.",
        "'{field}': cannot read '{value}'; give a whole number from {low} to {high}.",
    ),
    "planform.bad_decimal": (
        "'{field}' 값 '{value}'을(를) 읽을 수 없습니다. {low}~{high} 사이의 숫자를 입력해 주세요.",
        "'{field}': cannot read '{value}'; give a number from {low} to {high}.",
    ),
    "planform.bad_line": (
        "{field}의 {line}번째 줄을 읽을 수 없습니다. 형식: {syntax}",
        "Cannot read line {line} of {field}: write it as {syntax}",
    ),
    "planform.bad_repeat": (
        "반복 '{value}'은(는) 쓸 수 없습니다. 반복 안 함, 매주, 격주, 매월 중에서 골라 주세요.",
        "'{value}' is not a repeat: pick none, weekly, every two weeks or monthly.",
    ),
    "planform.bad_when": (
        "날짜와 시간 '{value}'을(를) 읽을 수 없습니다. 날짜는 YYYY-MM-DD, 시간은 HH:MM으로 "
        "입력해 주세요.",
        "Cannot read the date and time '{value}': use YYYY-MM-DD and HH:MM.",
    ),
    "planform.no_item": (
        "콘텐츠 '{value}'이(가) 이 계획에 없습니다. 페이지를 새로 고쳐 주세요.",
        "There is no calendar item '{value}' in this plan: reload the page.",
    ),
    "planform.no_channel": (
        "채널 '{channel}'은(는) 채널 믹스에 없습니다.",
        "Channel '{channel}' is not in the mix.",
    ),
    "planform.override_needed": (
        "'{channel}'은(는) 추천과 다른 선택입니다. 이유를 적어 주세요 (계획에 기록됩니다).",
        "'{channel}' goes against the recommendation: say why (the plan records it).",
    ),
    "planform.bad_op": ("알 수 없는 처리 '{value}'입니다.", "Unknown operation '{value}'."),
    "planform.approver": (
        "{who}은(는) 이 워크스페이스에서 계획을 승인할 수 있는 사용자가 아닙니다. 소유자나 "
        "매니저를 지정해 주세요.",
        "{who} may not approve plans in this workspace: name an owner or a manager.",
    ),
}
MESSAGES.update({k: {"ko": ko, "en": en} for k, (ko, en) in _PLANS.items()})


def _load_areas() -> None:
    """Merge every area module's ``MESSAGES`` (``key -> (ko, en)``) into :data:`MESSAGES`."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        area: dict[str, tuple[str, str]] = getattr(module, "MESSAGES", {})
        for key, (ko, en) in area.items():
            if key in MESSAGES:
                raise RuntimeError(f"message key {key!r} of socialops.i18n.{info.name} exists")
            MESSAGES[key] = {"ko": ko, "en": en}


def has(key: str) -> bool:
    """Whether the catalogue has ``key``."""
    return key in MESSAGES


def default_lang() -> str:
    """The language of the CLI and of messages with no user at hand: the ``SOCIALOPS_LANG``
    setting (ko or en), Korean when unset or unusable."""
    value = (os.environ.get("SOCIALOPS_LANG") or "ko").strip().lower()
    return value if value in LANGS else "ko"


_load_areas()
