.PHONY: setup start demo test test-postgres test-fast check format bench clean

setup:
	@bash scripts/setup.sh

# The main job on the embedded default: the web workspace, with the real sample data imported and
# enriched on first start; prints the URL and how to sign in.
start: setup
	.venv/bin/socialops serve --sample-data

# The batch job: import, enrich and summarise the real sample data, write listening reports.
demo: setup
	.venv/bin/socialops demo

# Every test (CI runs this): the whole suite on the embedded default (SQLite databases, DuckDB and
# Spark), then the tests of what lives in the relational databases again with every workspace and
# accounts database on PostgreSQL (127.0.0.1:5432, database test): the stores and migrations, the
# imports ledger and quarantine, metrics, plans, accounts, workspaces, members and invitations, and
# the API and actions over them, the inbox, and issue 17's stored outcomes, attribution, segments,
# audiences and transactions (its pure statistics run once). The tests about the databases
# themselves take the database fixture, which runs them on both in the first pass (the second pass leaves them out:
# SOCIALOPS_TEST_SECOND_PASS). `make test-postgres` runs the whole suite (but Spark and the
# browser checks) on PostgreSQL.
PG_TESTS = tests/store tests/sources/test_streams.py tests/sources/test_ledger_migration.py \
	tests/sources/test_quarantine_words.py tests/sources/test_enrich.py \
	tests/measure/test_metrics.py tests/measure/test_metrics_ranges.py tests/measure/test_kpi_sources.py \
	tests/measure/test_inbox_report.py tests/measure/test_kpi_inbox.py tests/measure/test_attribution.py \
	tests/measure/test_effect_real.py tests/measure/test_effect_topics.py \
	tests/plan/test_store_workflow.py tests/cli/test_metrics_cmd.py \
	tests/web/test_api.py tests/web/test_authz.py tests/web/test_workspaces.py \
	tests/web/test_accounts_processes.py tests/web/test_account_security.py \
	tests/web/test_invitations.py tests/web/test_passwords.py tests/web/test_plan_api.py \
	tests/web/test_sign_in_two_factor.py tests/web/test_sign_in_reset.py tests/web/test_sign_in_sso.py \
	tests/web/test_actions.py tests/web/test_crash_recovery.py tests/web/test_audit_words.py \
	tests/publish tests/engage tests/web/test_inbox_api.py tests/web/test_inbox_pages.py \
	tests/web/test_hooks_kakao.py tests/web/test_hooks_webchat.py tests/web/test_inbox_report_web.py \
	tests/segment/test_segment_store.py tests/segment/test_audience_export.py \
	tests/plan/test_target_segments.py tests/plan/test_plan_attribution.py \
	tests/sources/test_transactions_stream.py

test: setup
	CI=$${CI:-} .venv/bin/python -m pytest -n 2 --dist loadgroup -q --durations=40
	CI=$${CI:-} SOCIALOPS_TEST_DATABASE=postgresql SOCIALOPS_TEST_SECOND_PASS=1 .venv/bin/python -m pytest -n 2 --dist loadgroup -q -m "not spark and not browser" $(PG_TESTS)

test-postgres: setup
	CI=$${CI:-} SOCIALOPS_TEST_DATABASE=postgresql .venv/bin/python -m pytest -n 2 --dist loadgroup -q -m "not spark and not browser" --ignore=tests/nlp --ignore=tests/domain --ignore=tests/listen

test-fast: setup
	.venv/bin/python -m pytest -q -m "not slow and not spark"

check: setup
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy src bench
	.venv/bin/lint-imports --no-cache

format: setup
	.venv/bin/ruff format src tests bench
	.venv/bin/ruff check --fix src tests bench

bench: setup
	.venv/bin/python bench/enrich_throughput.py
	.venv/bin/python bench/pipeline_nsmc.py
	.venv/bin/python bench/stats_10m.py --engine duckdb
	.venv/bin/python bench/stats_10m.py --engine spark
	.venv/bin/python bench/sentiment_ko.py
	.venv/bin/python bench/sentiment_en.py
	rm -rf /tmp/socialops-bench-plans
	SOCIALOPS_HOME=/tmp/socialops-bench-plans .venv/bin/socialops demo --small
	.venv/bin/python bench/plan_exports.py --workspace /tmp/socialops-bench-plans --runs 3

clean:
	rm -rf .socialops .pytest_cache .mypy_cache .ruff_cache
