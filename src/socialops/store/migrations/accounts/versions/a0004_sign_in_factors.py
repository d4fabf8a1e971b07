"""Sign-in that banks and public offices require: TOTP two-factor (the secret Fernet-encrypted,
the last step used so a code is not taken twice), hashed single-use recovery codes, the
second-step tickets between password and code, a workspace's "require two-factor" flag, hashed
single-use password-reset tokens, OpenID Connect sign-ins under way (state, nonce, PKCE
verifier) and the identities an IdP vouched for (issuer + subject → user).

Revision ID: a0004
Revises: a0003
"""

import sqlalchemy as sa
from alembic import op

revision = "a0004"
down_revision = "a0003"
branch_labels = None
depends_on = None


def _user() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


def upgrade() -> None:
    T, I = sa.Text, sa.Integer  # noqa: E741
    op.create_table(
        "two_factor",
        sa.Column("user_id", I, _user(), primary_key=True),
        sa.Column("secret", T, nullable=False),  # Fernet token of the base32 secret
        sa.Column("enabled_at", T),  # NULL: enrolment begun, not confirmed by a first code
        sa.Column("last_step", sa.BigInteger()),  # the newest 30-second step a code was used in
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", I, primary_key=True),
        sa.Column("user_id", I, _user(), nullable=False),
        sa.Column("code_hash", T, nullable=False),
        sa.Column("used_at", T),
    )
    op.create_index("recovery_codes_user", "recovery_codes", ["user_id"])
    op.create_table(
        "sign_in_tickets",  # password right, code still to come
        sa.Column("token_hash", T, primary_key=True),
        sa.Column("user_id", I, _user(), nullable=False),
        sa.Column("csrf", T, nullable=False),
        sa.Column("next", T, nullable=False, server_default=""),
        sa.Column("via", T, nullable=False, server_default="password"),
        sa.Column("expires_at", T, nullable=False),
    )
    op.create_table(
        "password_resets",
        sa.Column("token_hash", T, primary_key=True),
        sa.Column("user_id", I, _user(), nullable=False),
        sa.Column("created_at", T, nullable=False),
        sa.Column("expires_at", T, nullable=False),
        sa.Column("used_at", T),
    )
    op.create_table(
        "oidc_logins",
        sa.Column("state_hash", T, primary_key=True),
        sa.Column("nonce", T, nullable=False),
        sa.Column("verifier", T, nullable=False),
        sa.Column("next", T, nullable=False, server_default=""),
        sa.Column("expires_at", T, nullable=False),
    )
    op.create_table(
        "sso_identities",
        sa.Column("issuer", T, primary_key=True),
        sa.Column("subject", T, primary_key=True),
        sa.Column("user_id", I, _user(), nullable=False),
        sa.Column("linked_at", T, nullable=False),
    )
    op.add_column(
        "workspaces",
        sa.Column("require_two_factor", I, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("require_two_factor")
    for name in (
        "sso_identities",
        "oidc_logins",
        "password_resets",
        "sign_in_tickets",
        "recovery_codes",
        "two_factor",
    ):
        op.drop_table(name)
