"""The sample data prepared at first start (``socialops sample-data``, the progress page and
banner, and the start-up box of ``socialops serve``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the background process's log lines
    "cli.sample_import": ("가져오는 중: {file}", "importing {file}"),
    "cli.sample_imported": (
        "{file}: 읽은 행 {rows_read:,} = 가져옴 {imported:,} + 중복 {duplicates:,} + 격리 "
        "{quarantined:,}",
        "{file}: rows read {rows_read:,} = imported {imported:,} + duplicates {duplicates:,} + "
        "quarantined {quarantined:,}",
    ),
    "cli.sample_enrich": ("형태소 분석과 감성 분석 중", "enriching (morphology and sentiment)"),
    "cli.sample_enriched": (
        "게시물 {rows}건을 {seconds}초에 분석했습니다",
        "enriched {rows} posts in {seconds} s",
    ),
    "cli.sample_report_later": (
        "리포트는 데이터가 더 들어온 뒤에 씁니다: {detail}",
        "the report waits for more data: {detail}",
    ),
    "cli.sample_usable": (
        "표본 준비 완료: 게시물 {posts}건으로 바로 쓸 수 있습니다. 나머지는 계속 준비합니다.",
        "sample ready: {posts} posts usable now; the rest is on its way.",
    ),
    "cli.sample_done": (
        "샘플 데이터 준비 완료: 게시물 {posts}건",
        "sample data ready: {posts} posts",
    ),
    # the progress page and the banner
    "sample.title": ("샘플 데이터 준비", "Preparing the sample data"),
    "sample.stage.sample": (
        "표본: 작은 파일 전부와 네이버 영화 리뷰 1만 건, 분석과 토픽까지",
        "A sample: every small file and 10,000 Naver movie reviews, enriched, with topics",
    ),
    "sample.stage.all": (
        "나머지 네이버 영화 리뷰 (약 66만 건) 가져오기와 분석",
        "The rest of the Naver movie reviews (about 660,000): import and enrichment",
    ),
    "sample.stage.reports": (
        "전체 데이터로 리포트와 예시 캠페인 계획 만들기",
        "Reports over all the data and the example campaign plans",
    ),
    "sample.state.waiting": ("대기", "waiting"),
    "sample.state.running": ("진행 중", "running"),
    "sample.state.done": ("완료", "done"),
    "sample.step.starting": ("시작하는 중", "starting"),
    "sample.step.enrich": ("분석", "enrichment"),
    "sample.step.reports": ("리포트", "reports"),
    "sample.banner.running": (
        "샘플 데이터를 준비하고 있습니다 ({stage}/{stages}단계). 지금 보이는 숫자는 표본입니다.",
        "The sample data is being prepared (stage {stage} of {stages}); the numbers you see "
        "are a sample for now.",
    ),
    "sample.banner.waiting": (
        "샘플 데이터를 준비하고 있습니다. 1분 안에 표본을 쓸 수 있습니다.",
        "The sample data is being prepared; a sample is usable within a minute.",
    ),
    "sample.banner.stopped": (
        "샘플 데이터 준비가 중간에 멈췄습니다. 서버를 다시 시작하면 이어서 준비합니다.",
        "Preparing the sample data stopped part-way; it resumes when the server starts again.",
    ),
    "sample.banner.failed": (
        "샘플 데이터를 준비하지 못했습니다: {error}",
        "The sample data could not be prepared: {error}",
    ),
    "sample.banner.link": ("진행 상황", "Progress"),
    "sample.usable": (
        "지금 쓸 수 있습니다: 게시물 {posts}건 (대시보드, 토픽, 게시물 탐색, 리포트)",
        "Usable now: {posts} posts (dashboard, topics, posts explorer, reports)",
    ),
    "sample.not_yet": (
        "아직 쓸 수 있는 데이터가 없습니다. 잠시 뒤 이 페이지가 새로 고쳐집니다.",
        "No data is usable yet; this page refreshes itself in a moment.",
    ),
    "sample.finished": (
        "샘플 데이터가 모두 준비되었습니다: 게시물 {posts}건.",
        "The sample data is ready: {posts} posts.",
    ),
    "sample.none": (
        "이 워크스페이스에는 준비 중인 샘플 데이터가 없습니다.",
        "No sample data is being prepared in this workspace.",
    ),
    "sample.started": ("시작", "Started"),
    "sample.updated": ("마지막 갱신", "Last update"),
    # the start-up box of `socialops serve`
    "cli.serve.open": ("열기", "Open"),
    "cli.serve.email": ("이메일", "E-mail"),
    "cli.serve.password": ("비밀번호", "Password"),
    "cli.serve.password_once": (
        "{password}  (이번 한 번만 보여 드립니다)",
        "{password}  (shown this once)",
    ),
    "cli.serve.password_set": (
        "처음 시작할 때 정한 비밀번호",
        "the one set at first start",
    ),
    "cli.serve.new_password": ("새 비밀번호", "New password"),
    "cli.serve.new_password_how": (
        "socialops user password {email}  (비밀번호는 해시로만 저장되어 다시 볼 수 없습니다)",
        "socialops user password {email}  (passwords are stored hashed: they cannot be shown "
        "again)",
    ),
    "cli.serve.sample": ("샘플 데이터", "Sample data"),
    "cli.serve.sample_running": (
        "백그라운드에서 준비 중 — 진행 상황: {url}  (기록: {log})",
        "being prepared in the background — progress: {url}  (log: {log})",
    ),
    "cli.serve.stop": ("멈추기", "Stop"),
    "cli.serve.stop_how": ("Ctrl+C", "Ctrl+C"),
    "cli.serve.add_users": ("사용자 추가", "Add users"),
    "cli.serve.add_users_how": (
        "`socialops user add 이메일 --role analyst`",
        "`socialops user add EMAIL --role analyst`",
    ),
}
