"""Storage: the workspace folder (SQLite ledger + Parquet) and the analytics engines."""
