"""outbox: erase a copy once it is delivered

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:10:00

Erasing a person must reach emails that carry no registration id (record links,
password resets). Those still waiting to go out are marked, and the worker
deletes them once delivered.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox_messages', sa.Column('is_erased_after_delivery', sa.Boolean(), nullable=False,
                                               server_default=sa.false()))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of outbox_messages would cascade to the rows
    # that refer to it.
    op.execute('ALTER TABLE outbox_messages DROP COLUMN is_erased_after_delivery')
