"""Platform connectors: a small core plus capabilities (:mod:`.core`), one module per platform,
registered in :mod:`.registry`."""
