"""Words of a campaign plan's publishing, on the plan's pages: the posts of each calendar item
(badges on the calendar), the "make drafts" buttons and their notice, the overview's table of
published posts, and the audit log's words for drafts made from a plan."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "planpub.posts": ("게시물", "Posts"),
    "planpub.no_posts": ("게시물 없음", "No posts"),
    "planpub.open_url": ("게시된 글 열기", "Open the published post"),
    "planpub.badge_title": ("{profile} · {state}", "{profile} · {state}"),
    "planpub.make_drafts": ("게시물 초안 만들기", "Make drafts"),
    "planpub.make_all": ("모든 항목의 게시물 초안 만들기", "Make drafts for every item"),
    "planpub.make_help": (
        "게시물이 아직 없는 일정마다 초안을 만듭니다 (반복 일정은 회차마다). 이미 게시물이 있는 "
        "일정은 건너뜁니다. 초안은 게시 대기열에서 검토하고 예약해 주세요.",
        "Makes a draft for every date that has no post yet (each date of a repeating item); "
        "dates with posts are skipped. Review and schedule the drafts in the publish queue.",
    ),
    "planpub.drafts.made": (
        "게시물 초안 {n}개를 만들었습니다. 게시 대기열에서 검토하고 예약해 주세요.",
        "Made {n} drafts: review and schedule them in the publish queue.",
    ),
    "planpub.drafts.one": (
        "게시물 초안 1개를 만들었습니다. 게시 대기열에서 검토하고 예약해 주세요.",
        "Made 1 draft: review and schedule it in the publish queue.",
    ),
    "planpub.drafts.none": (
        "새로 만든 초안이 없습니다: 모든 일정에 이미 게시물이 있습니다.",
        "No new drafts: every date has its posts already.",
    ),
    "planpub.to_queue": ("게시 대기열 보기", "Open the publish queue"),
    "planpub.published.title": ("게시된 글", "Published posts"),
    "planpub.published.help": (
        "이 계획으로 게시된 글과 가장 최근에 가져온 반응 수치입니다. 클릭은 글에 넣은 단축 링크의 "
        "클릭 수입니다. '–'는 플랫폼이 알려 주지 않는 수치입니다.",
        "The posts published for this plan and their latest figures. Clicks are the clicks "
        "on the post's short link; '–' is a figure the platform does not give.",
    ),
    "planpub.published.none": (
        "아직 게시된 글이 없습니다. 캘린더에서 게시물 초안을 만들어 예약해 보세요.",
        "Nothing is published yet: make drafts from the calendar and schedule them.",
    ),
    "planpub.col.profile": ("프로필", "Profile"),
    "planpub.col.time": ("게시 시각 ({zone})", "Published ({zone})"),
    "planpub.col.item": ("캘린더 항목", "Calendar item"),
    "planpub.col.url": ("주소", "URL"),
    "planpub.col.fetched": ("수치 기준", "Figures as of"),
    "planpub.total": ("합계 ({n}건)", "Total ({n} published)"),
    "planpub.not_fetched": ("아직 안 가져옴", "not fetched yet"),
    "audit.action.publish.plan_drafts": ("계획에서 게시물 초안 만들기", "Drafts made from a plan"),
    "audit.detail.items": ("캘린더 항목", "calendar items"),
    "audit.detail.drafts": ("만든 초안", "drafts made"),
}
