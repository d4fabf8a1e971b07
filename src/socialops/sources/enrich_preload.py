"""Imported by the enrichment pool's fork server (:mod:`multiprocessing.forkserver`) before it
forks a worker: loads Kiwi and prepares it (its first analysis builds what it needs: about 2.4 s
of the 2.6 s a worker took to become ready), once, so that every worker is forked with Kiwi
ready in memory it shares copy-on-write, instead of loading its own copy while the other
workers load theirs on the same cores.

Forking a process that has used Kiwi is safe because :func:`socialops.nlp.ko.get_kiwi` runs
it in single-thread mode (no native thread to lose in the fork); nothing else that starts
threads is imported here (numpy and pyarrow are imported by each worker after the fork)."""

from __future__ import annotations

from socialops.nlp.ko import get_tokenize

get_tokenize()("준비 완료")  # loads Kiwi and checks the direct call once
