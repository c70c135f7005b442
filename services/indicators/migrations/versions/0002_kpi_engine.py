"""The KPI engine's tables: calendars, month-end history, which projections changed since (the audit log of
drill-downs to the children behind a KPI is the shared audit branch's).

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Projection tables and the date column their earliest record is dated by (seeds the history).
_FIRST_DATES = {
    "care_periods": "start_date", "placements": "start_date", "initial_health_assessments": "completed_date",
    "virtual_school_notifications": "notified_date", "initial_peps": "completed_date",
    "care_leaver_statuses": "effective_date", "adviser_allocations": "start_date",
}


def upgrade() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("is_working_day", sa.Boolean(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("is_school_day", sa.Boolean(), nullable=False),
        sa.Column("school_days", sa.Integer(), nullable=True),
    )
    op.create_index("calendar_working_day_number", "calendar_days", ["working_days"], unique=True,
                    postgresql_where=sa.text("is_working_day"))
    op.create_index("calendar_school_day_number", "calendar_days", ["school_days"], unique=True,
                    postgresql_where=sa.text("is_school_day"))
    op.create_table("calendar_fingerprint", sa.Column("fingerprint", sa.String(), primary_key=True))

    op.execute("CREATE SEQUENCE source_change_seq")
    op.create_table(
        "source_changes",
        sa.Column("source_table", sa.String(), primary_key=True),
        sa.Column("changed_seq", sa.BigInteger(), nullable=False),  # bumped by every change: gauges refresh
        sa.Column("earliest", sa.Date(), nullable=False),  # earliest date ever recorded: where history begins
        sa.Column("history_from", sa.Date(), nullable=True),  # month-end history stale from here (NULL: up to date)
    )
    for table, column in _FIRST_DATES.items():
        op.execute(f"""INSERT INTO source_changes
                       SELECT '{table}', nextval('source_change_seq'), min({column}), min({column}) FROM {table}
                       HAVING min({column}) IS NOT NULL""")

    op.create_table(
        "kpi_history",
        sa.Column("kpi_id", sa.String(), primary_key=True),
        sa.Column("month_end", sa.Date(), primary_key=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Integer(), nullable=True),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.Column("reported_separately", sa.Integer(), nullable=True),
        sa.Column("breakdown", JSONB(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )

    # What the KPI queries filter and join on.
    op.create_index("care_periods_start", "care_periods", ["start_date"])
    op.create_index("placements_child_start", "placements", ["child_id", "start_date"])
    op.create_index("notifications_notified", "virtual_school_notifications", ["notified_date"])
    op.create_index("assessments_child_completed", "initial_health_assessments", ["child_id", "completed_date"])


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
