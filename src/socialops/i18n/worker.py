"""The scheduler's messages: the watchdog over the publish workers, profiles held by a rate
limit or quota, token refresh, and post metrics fetched back from the platforms."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "watchdog.ok": (
        "게시 작업자가 정상 동작 중입니다 (지금 나갈 게시물 {due}건).",
        "The publish worker is running ({due} posts due now).",
    ),
    "watchdog.never": (
        "지금 나가야 할 게시물 {due}건이 있는데 게시 작업자가 한 번도 실행되지 않았습니다. "
        "서버 관리자에게 게시 작업자를 켜 달라고 알려 주세요.",
        "{due} posts are due but no publish worker has ever run: ask the server's administrator "
        "to start the publish worker.",
    ),
    "watchdog.never.cli": (
        "`socialops serve` 또는 `socialops worker`를 실행해 주세요.",
        "Start `socialops serve` or `socialops worker`.",
    ),
    "watchdog.stale.cli": (
        "`socialops worker` 또는 `socialops serve`를 다시 시작해 주세요.",
        "Restart `socialops worker` or `socialops serve`.",
    ),
    "watchdog.stale": (
        "지금 나가야 할 게시물 {due}건이 있는데 게시 작업자가 {ago}초 동안 보이지 않습니다. "
        "서버 관리자에게 게시 작업자를 다시 시작해 달라고 알려 주세요.",
        "{due} posts are due but no publish worker was seen for {ago} seconds: ask the server's "
        "administrator to restart the publish worker.",
    ),
    "worker.limited": (
        "{profile}: 플랫폼의 요청 한도에 걸려 {until}까지 이 프로필의 모든 게시물이 기다립니다 "
        "({reason}). 그때 자동으로 다시 보냅니다.",
        "{profile}: the platform's rate limit holds every post of this profile until {until} "
        "({reason}); they go out automatically then.",
    ),
    "worker.refreshed": (
        "{profile}: 만료가 가까운 토큰을 새로 받아 저장했습니다.",
        "{profile}: the token was about to expire; a new one was fetched and stored.",
    ),
    "worker.refresh_refused": (
        "{profile}: 플랫폼이 토큰 갱신을 거부했습니다 ({detail}). 프로필을 다시 연결해 주세요.",
        "{profile}: the platform refused to refresh the token ({detail}). Connect the profile "
        "again.",
    ),
    "worker.mode.serve": ("serve 안에서", "inside serve"),
    "worker.mode.worker": ("별도 작업자", "standalone worker"),
    "metrics_back.fetched": (
        "게시물 {count}건의 반응 지표를 플랫폼에서 가져왔습니다.",
        "Fetched the metrics of {count} published posts from the platforms.",
    ),
    "metrics_back.not_supported": (
        "{platform}은(는) 게시물 지표를 읽는 API가 없어 지표를 가져오지 않습니다.",
        "{platform} has no API to read post metrics: none are fetched.",
    ),
}
