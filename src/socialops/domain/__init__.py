"""Value types and domain knowledge every stage shares, below all of them: the post record
(``post``), the campaign plan (``plan``, with its ``rrule`` check), the KPI library (``kpis``),
the channel knowledge base (``channels``, ``channel_schema``: it reads its JSON file and a
workspace's override, the only I/O here) and roles and permissions (``permissions``). It imports
nothing of socialops but ``errors`` (and what that imports)."""
