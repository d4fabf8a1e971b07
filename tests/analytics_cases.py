"""What the analytics-store tests share, importable from any test module (a ``conftest`` is not:
``tests/web`` has its own, and whichever conftest pytest loaded last answers ``import conftest``).

- ``ENGINES``: the analytics engines, the ``engine`` fixture's parameters (tests/conftest.py);
  the Spark one is marked ``spark``; ``WITH_CLUSTER``: the same and the session's Spark
  cluster, for the shared engine suite. ``REFERENCE_ENGINE``: the engine the others are
  compared with.
- The listening sample sets' constants (the ``airline_ws`` and ``nsmc_ws`` fixtures).
"""

from __future__ import annotations

import pytest

from socialops.listen.samples import AIRLINE_TOPICS, FILM_TOPICS

__all__ = [
    "AIRLINES",
    "AIRLINE_TZ",
    "ENGINES",
    "MOVIES",
    "MOVIE_WORDS",
    "REFERENCE_ENGINE",
    "WITH_CLUSTER",
]

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]
# the shared engine suite (tests/listen/test_engines.py: every analysis; tests/listen/test_stats.py:
# every stats query) runs on a third engine too, a Spark standalone cluster of the session
# (tests/spark_cluster.py): ``pytest.mark.parametrize("engine", WITH_CLUSTER, indirect=True)``
WITH_CLUSTER = [
    *ENGINES,
    pytest.param("spark-cluster", marks=[pytest.mark.spark, pytest.mark.slow]),
]
REFERENCE_ENGINE = "duckdb"

# Days of the airline tweets are bucketed in the data's own zone (US Pacific, the offset the
# tweets carry), as a US analyst would set ``SOCIALOPS_TZ``.
AIRLINE_TZ = "America/Los_Angeles"
AIRLINES = AIRLINE_TOPICS

# movie → (query, release day in Korea)
_RELEASES = {
    "겨울왕국": "2014-01-16",
    "명량": "2014-07-30",
    "인터스텔라": "2014-11-06",
    "변호인": "2013-12-18",
}
MOVIES: dict[str, tuple[str, str]] = {n: (q, _RELEASES[n]) for n, q in FILM_TOPICS.items()}
MOVIE_WORDS = ("겨울왕국", "엘사", "올라프", "렛잇고", "명량", "이순신", "인터스텔라", "놀란")
MOVIE_WORDS += ("변호인", "송강호")
