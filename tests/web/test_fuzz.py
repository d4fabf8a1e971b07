"""Property-based fuzzing of the REST API against its own OpenAPI schema (Schemathesis, which
generates requests from /openapi.json with Hypothesis): every operation, on a real server, as the
workspace owner, answers without a server error (5xx) and with a body that conforms to the
schema it declares (errors included: the one error shape).

Valid requests (positive) and requests that break the schema (negative) are both generated;
``derandomize`` keeps each run the same. The owner's token and role are restored before every
call, so a generated "revoke token 1" or "make user 2 the owner, demote user 1" cannot blind the
rest of the run.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis  # a dev dependency (make setup): missing, the tests fail, never skip
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from socialops.web import api, plan_api

EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 10}
# an upload's import and enrichment take a second or more each: fewer of them
FEWER = {
    ("POST", "/api/v1/workspaces/{ws}/imports"): 4,
    ("GET", "/api/v1/workspaces/{ws}/plans/{plan_id}/export"): 10,  # a PDF takes a while
}
ROUTES = [*api.router.routes, *plan_api.router.routes]
OPERATIONS = sorted(
    (method, route.path)
    for route in ROUTES
    for method in getattr(route, "methods", ())
    if method != "HEAD"
)
# negative cases need something to break: operations without parameters or body have none
_TAKES_INPUT = {
    (method, route.path)
    for route in ROUTES
    for method in getattr(route, "methods", ())
    if route.dependant.path_params or route.dependant.query_params or route.dependant.body_params
}
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path in OPERATIONS
    for mode in EXAMPLES
    if mode == GenerationMode.POSITIVE or (method, path) in _TAKES_INPUT
]


def _plan_id(web: Any, headers: dict[str, str]) -> str:
    """A plan of the owner's workspace for the generated calls on a plan (a new one each test:
    a generated DELETE or transition changes it)."""
    body = {
        "template": "product-launch",
        "name": "fuzz",
        "start": "2026-03-01",
        "end": "2026-03-31",
    }
    made = web.client.post("/api/v1/workspaces/main/plans", json=body, headers=headers)
    assert made.status_code == 201, made.text
    plan_id: str = made.json()["plan_id"]
    return plan_id


@pytest.fixture(scope="module")
def schema(live_server: Any) -> Any:
    return schemathesis.openapi.from_url(f"{live_server.url}/openapi.json", wait_for_schema=10)


def test_schema_lists_every_operation(schema: Any) -> None:
    listed = {(op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())}
    assert listed == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_fuzz(live_server: Any, schema: Any, method: str, path: str, mode: Any) -> None:
    web = live_server.home
    owner = web.users["owner"]
    token = {"value": web.tokens["owner"]}

    def owner_headers() -> dict[str, str]:
        if web.accounts.token_user(token["value"]) is None:  # revoked by a generated call
            token["value"] = web.accounts.create_token(owner.id, "fuzz")
        if web.accounts.role_of(owner.id, "main") != "owner":  # demoted by a generated call
            web.accounts.set_member("main", owner.id, "owner")
        return {"Authorization": f"Bearer {token['value']}"}

    operation = schema[path][method]
    if mode == GenerationMode.NEGATIVE:
        # the workspace id's pattern is often the only thing a negative case can break
        strategy = operation.as_strategy(mode)
    else:
        # valid requests on the owner's workspace, on its topics and posts as well as on
        # generated names
        fixed: list[dict[str, Any]] = [{}]
        if "{name}" in path:
            # a DELETE removes its topic (this module's home is its own): keep two for the rest
            names = ("Southwest",) if method == "DELETE" else ("United", "Virgin America")
            fixed += [{"name": n} for n in names]
        if "{plan_id}" in path:
            fixed.append({"plan_id": _plan_id(web, owner_headers())})
        if "{post_id}" in path:
            posts = web.client.get("/api/v1/workspaces/main/posts", headers=owner_headers())
            item = posts.json()["items"][0]
            fixed.append({"platform": item["platform"], "post_id": item["post_id"]})
        strategy = st.one_of(
            *(
                operation.as_strategy(mode, path_parameters={"ws": "main", **f})
                if "{ws}" in path
                else operation.as_strategy(mode)
                for f in fixed
            )
        )
    seen: dict[int, int] = {}

    @settings(
        max_examples=FEWER.get((method, path), EXAMPLES[mode]),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call_and_validate(
            base_url=live_server.url,
            headers=owner_headers(),
            checks=[not_a_server_error, response_schema_conformance],
            timeout=30,
        )
        seen[response.status_code] = seen.get(response.status_code, 0) + 1

    t0 = time.monotonic()
    run()
    assert seen, "no request was made"
    assert time.monotonic() - t0 < 60, f"{method} {path}: fuzzing took too long ({seen})"
