"""Alembic environment: the connection comes from socialops.store.migrate (already inside a
serialised write transaction), so migrations run in it and commit with it."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
