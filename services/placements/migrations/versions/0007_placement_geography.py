"""Where a child is placed: the home and placement postcodes (kept here only), the distance between them and
whether the placement is outside the council's boundary (published).

Revision ID: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("placements", sa.Column("home_postcode", sa.String(8), nullable=True))
    op.add_column("placements", sa.Column("placement_postcode", sa.String(8), nullable=True))
    op.add_column("placements", sa.Column("distance_miles", sa.Float(), nullable=True))
    op.add_column("placements", sa.Column("outside_boundary", sa.Boolean(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
