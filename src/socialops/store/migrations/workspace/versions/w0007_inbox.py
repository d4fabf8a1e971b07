"""The customer-care inbox (Engage): contacts and their handles on each channel, conversations
(one per customer and channel thread), messages (personal data masked, the original encrypted),
cases with their SLA clock, replies on their way out (an idempotent state machine like the
publish queue), saved replies, teams, agent presence (collision detection), the inbox event log
(live updates and the team report), fetch cursors, webhook replay guard and outgoing
notifications (e-mail, webhook).

Revision ID: w0007
Revises: w0006
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "w0007"
down_revision = "w0006"
branch_labels = None
depends_on = None

T = sa.Text
I = sa.Integer  # noqa: E741


def _col(name: str, kind: Any = T, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, kind, **kw)


def upgrade() -> None:
    op.create_table(
        "contacts",
        _col("contact_id", primary_key=True),
        _col("display_name", nullable=False, server_default=""),
        _col("email_hash", nullable=False, server_default=""),  # sha256 of the normalised e-mail
        _col("phone_hash", nullable=False, server_default=""),  # sha256 of the digits
        _col("private", nullable=False, server_default=""),  # Fernet: {"email","phone"} originals
        _col("tags", nullable=False, server_default="[]"),
        _col("consent", nullable=False, server_default="{}"),  # {"marketing": true, ...}
        _col("attributes", nullable=False, server_default="{}"),  # segment attributes
        _col("merged_into"),
        _col("sample", I, nullable=False, server_default="0"),
        _col("created_at", nullable=False),
        _col("updated_at", nullable=False),
    )
    op.create_index("ix_contacts_email", "contacts", ["email_hash"])
    op.create_index("ix_contacts_phone", "contacts", ["phone_hash"])
    op.create_table(
        "contact_handles",
        _col("channel", nullable=False),  # platform or import source: bluesky, kakao, twitter ...
        _col("handle", nullable=False),  # the platform's user id (stable), not the display name
        _col("contact_id", nullable=False),
        _col("label", nullable=False, server_default=""),  # the handle as people read it
        sa.PrimaryKeyConstraint("channel", "handle"),
    )
    op.create_index("ix_handles_contact", "contact_handles", ["contact_id"])
    op.create_table(
        "contact_notes",
        _col("note_id", I, primary_key=True, autoincrement=True),
        _col("contact_id", nullable=False),
        _col("author", nullable=False),
        _col("text", nullable=False),
        _col("created_at", nullable=False),
    )
    op.create_table(
        "conversations",
        _col("conversation_id", primary_key=True),
        _col("source", nullable=False),  # profile_id, or "import:<preset>"
        _col("channel", nullable=False),  # bluesky, kakao, webchat, twitter (import) ...
        _col("thread_key", nullable=False),  # platform thread root id / user key
        _col("contact_id", nullable=False),
        _col("case_id", I),  # the current case
        _col("status", nullable=False, server_default="new"),  # mirror of the current case's
        _col("assignee", nullable=False, server_default=""),  # mirror
        _col("team", nullable=False, server_default=""),  # mirror
        _col("priority", nullable=False, server_default="normal"),  # urgency of the case
        _col("intent", nullable=False, server_default=""),  # of the last customer message
        _col("category", nullable=False, server_default=""),
        _col("sentiment", nullable=False, server_default=""),
        _col("last_message", nullable=False, server_default=""),  # masked, cut to 200
        _col("last_direction", nullable=False, server_default="in"),
        _col("message_count", I, nullable=False, server_default="0"),
        _col("simulated", I, nullable=False, server_default="0"),  # demo arrival times
        _col("sample", I, nullable=False, server_default="0"),
        _col("created_at", nullable=False),
        _col("updated_at", nullable=False),
        sa.UniqueConstraint("source", "thread_key", name="uq_conversation_thread"),
    )
    op.create_index("ix_conv_updated", "conversations", ["updated_at"])
    op.create_index("ix_conv_status", "conversations", ["status", "updated_at"])
    op.create_index("ix_conv_assignee", "conversations", ["assignee", "status"])
    op.create_index("ix_conv_contact", "conversations", ["contact_id"])
    op.create_index("ix_conv_priority", "conversations", ["priority", "updated_at"])
    op.create_index("ix_conv_channel", "conversations", ["channel", "updated_at"])
    op.create_table(
        "messages",
        _col("message_id", primary_key=True),
        _col("conversation_id", nullable=False),
        _col("source", nullable=False),
        _col("remote_id", nullable=False),  # platform id; our own id for notes / local sends
        _col("direction", nullable=False),  # in | out | note
        _col("author", nullable=False, server_default=""),  # handle (in) or user (out, note)
        _col("text", nullable=False),  # personal data masked
        _col("private", nullable=False, server_default=""),  # Fernet of the original, when masked
        _col("pii", nullable=False, server_default="[]"),  # kinds found: rrn, phone, card ...
        _col("url", nullable=False, server_default=""),
        _col("parent_remote_id"),
        _col("lang", nullable=False, server_default=""),
        _col("intent", nullable=False, server_default=""),
        _col("speech_act", nullable=False, server_default=""),
        _col("needs_reply", I, nullable=False, server_default="0"),
        _col("urgency", nullable=False, server_default=""),
        _col("category", nullable=False, server_default=""),
        _col("sentiment", nullable=False, server_default=""),
        _col("sentiment_score", sa.Float, nullable=False, server_default="0"),
        _col("explain", nullable=False, server_default="{}"),  # words that decided
        _col("created_at", nullable=False),  # when the customer / platform says
        _col("received_at", nullable=False),  # when it reached us
        _col("simulated", I, nullable=False, server_default="0"),
        sa.UniqueConstraint("source", "remote_id", name="uq_message_remote"),
    )
    op.create_index("ix_msg_conv", "messages", ["conversation_id", "created_at"])
    op.create_table(
        "cases",
        _col("case_id", I, primary_key=True, autoincrement=True),  # the case number
        _col("conversation_id", nullable=False),
        _col("status", nullable=False, server_default="new"),
        _col("priority", nullable=False, server_default="normal"),  # low normal high urgent
        _col("category", nullable=False, server_default=""),
        _col("assignee", nullable=False, server_default=""),
        _col("team", nullable=False, server_default=""),
        _col("crisis_level", I),
        _col("opened_at", nullable=False),
        _col("first_response_due"),
        _col("next_response_due"),
        _col("resolution_due"),
        _col("first_response_at"),
        _col("last_customer_at"),
        _col("last_response_at"),
        _col("resolved_at"),
        _col("closed_at"),
        _col("reopened", I, nullable=False, server_default="0"),
        _col("breaches", nullable=False, server_default="[]"),  # [{"kind","due","at"}]
        _col("warned", nullable=False, server_default="[]"),  # kinds already warned about
        _col("simulated", I, nullable=False, server_default="0"),
        _col("updated_at", nullable=False),
    )
    op.create_index("ix_cases_conv", "cases", ["conversation_id"])
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_table(
        "inbox_replies",
        _col("reply_id", primary_key=True),
        _col("conversation_id", nullable=False),
        _col("case_id", I),
        _col("text", nullable=False),
        _col("key", nullable=False, unique=True),  # idempotency key (TID)
        # pending_approval | queued | sending | sent | failed | unknown | rejected
        _col("state", nullable=False),
        _col("author", nullable=False),
        _col("approver", nullable=False, server_default=""),
        _col("parent_remote_id"),
        _col("remote_id"),
        _col("url", nullable=False, server_default=""),
        _col("message_id"),  # the out message once sent
        _col("error", nullable=False, server_default=""),
        _col("attempts", I, nullable=False, server_default="0"),
        _col("created_at", nullable=False),
        _col("updated_at", nullable=False),
        _col("sent_at"),
    )
    op.create_index("ix_replies_state", "inbox_replies", ["state"])
    op.create_index("ix_replies_conv", "inbox_replies", ["conversation_id"])
    op.create_table(
        "saved_replies",
        _col("saved_id", primary_key=True),
        _col("name", nullable=False),
        _col("lang", nullable=False, server_default="ko"),
        _col("text", nullable=False),
        _col("category", nullable=False, server_default=""),
        _col("created_by", nullable=False, server_default=""),
        _col("created_at", nullable=False),
        _col("updated_at", nullable=False),
        sa.UniqueConstraint("name", "lang", name="uq_saved_reply"),
    )
    op.create_table(
        "inbox_teams",
        _col("name", primary_key=True),
        _col("categories", nullable=False, server_default="[]"),  # skills: routed categories
        _col("members", nullable=False, server_default="[]"),  # user e-mails
        _col("created_at", nullable=False),
    )
    op.create_table(
        "inbox_settings",  # one JSON document per key: sla, hours, routing, notify ...
        _col("key", primary_key=True),
        _col("value", nullable=False),
        _col("updated_at", nullable=False),
    )
    op.create_table(
        "inbox_presence",
        _col("conversation_id", nullable=False),
        _col("user", nullable=False),
        _col("state", nullable=False),  # viewing | typing
        _col("at", nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "user"),
    )
    op.create_table(
        "inbox_events",
        _col("event_id", I, primary_key=True, autoincrement=True),
        _col("at", nullable=False),
        _col("kind", nullable=False),  # message_in, reply_sent, assigned, status, sla_warning ...
        _col("conversation_id", nullable=False, server_default=""),
        _col("case_id", I),
        _col("user", nullable=False, server_default=""),
        _col("detail", nullable=False, server_default="{}"),
        _col("simulated", I, nullable=False, server_default="0"),
    )
    op.create_index("ix_events_at", "inbox_events", ["at"])
    op.create_index("ix_events_case", "inbox_events", ["case_id"])
    op.create_table(
        "fetch_cursors",
        _col("source", primary_key=True),
        _col("cursor", nullable=False),
        _col("updated_at", nullable=False),
    )
    op.create_table(
        "webhook_seen",  # replay guard: a signed request's nonce is accepted once
        _col("source", nullable=False),
        _col("nonce", nullable=False),
        _col("at", nullable=False),
        sa.PrimaryKeyConstraint("source", "nonce"),
    )
    op.create_table(
        "outbound_notifications",
        _col("outbound_id", I, primary_key=True, autoincrement=True),
        _col("via", nullable=False),  # email | webhook
        _col("target", nullable=False),
        _col("payload", nullable=False),
        _col("state", nullable=False, server_default="queued"),  # queued | sent | failed
        _col("attempts", I, nullable=False, server_default="0"),
        _col("error", nullable=False, server_default=""),
        _col("created_at", nullable=False),
        _col("sent_at"),
    )
    op.create_index("ix_outbound_state", "outbound_notifications", ["state"])


def downgrade() -> None:
    for name in (
        "outbound_notifications",
        "webhook_seen",
        "fetch_cursors",
        "inbox_events",
        "inbox_presence",
        "inbox_settings",
        "inbox_teams",
        "saved_replies",
        "inbox_replies",
        "cases",
        "messages",
        "conversations",
        "contact_notes",
        "contact_handles",
        "contacts",
    ):
        op.drop_table(name)
