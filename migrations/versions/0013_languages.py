"""each registration's language, and the language of each "email me my link" request

Every email to a person is written in the language they registered in (changeable on the
manage page); a request made from a Spanish page is answered in Spanish. Rows already there
were made on the English-only site: 'en'.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: no table rebuild, nothing for SQLite to cascade.
    op.add_column('registrations', sa.Column('language', sa.String(length=5), server_default='en', nullable=False))
    op.add_column('mail_requests', sa.Column('language', sa.String(length=5), server_default='en', nullable=False))


def downgrade():
    # Not batch mode: on SQLite it rebuilds the table, and dropping the old one with foreign keys
    # on would cascade-delete the rows that refer to it. SQLite >= 3.35 drops columns itself.
    op.drop_column('mail_requests', 'language')
    op.drop_column('registrations', 'language')
