"""The web workspace: accounts and roles, pages and the REST API (``socialops serve``)."""
