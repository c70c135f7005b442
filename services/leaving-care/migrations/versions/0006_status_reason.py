"""Why a care-leaver status decision overrides the category derived from the care history (its contract's
optional reason), where recorded.

Revision ID: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("care_leaver_statuses", sa.Column("reason", sa.String(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
