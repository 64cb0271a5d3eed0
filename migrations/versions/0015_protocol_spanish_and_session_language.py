"""protocol in Spanish (component translations, with the shipped Spanish text) and sessions' language

The Spanish text is imported from labapp/protocol/seed_content_es.py, like 0005 imports the
English one: pure data, frozen once this has run anywhere. It is added only to components
whose slug is still there, so a protocol an admin already reshaped is not disturbed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 21:30:00

"""
from alembic import op
import sqlalchemy as sa

from labapp.protocol.seed_content_es import translation_rows


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    translations = op.create_table('protocol_component_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('guiding_questions', sa.JSON(), nullable=False),
    sa.Column('facilitator_notes', sa.Text(), nullable=False),
    sa.Column('reflection_prompts', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['component_id'], ['protocol_components.id'], name=op.f('fk_protocol_component_translations_component_id_protocol_components'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_component_translations')),
    sa.UniqueConstraint('component_id', 'language', name=op.f('uq_protocol_component_translations_component_id_language'))
    )
    components = sa.table('protocol_components', sa.column('id', sa.Integer()), sa.column('slug', sa.String()))
    ids = dict((slug, id_) for id_, slug in op.get_bind().execute(sa.select(components.c.id, components.c.slug)))
    rows = []
    for row in translation_rows():
        slug = row.pop('slug')
        if slug in ids:
            rows.append({**row, 'component_id': ids[slug]})
    if rows:
        op.bulk_insert(translations, rows)

    op.add_column('lab_sessions', sa.Column('language', sa.String(length=10), server_default='en', nullable=False))


def downgrade():
    # Not batch mode: on SQLite it rebuilds lab_sessions, which the seat-count triggers (0007) refer to.
    op.drop_column('lab_sessions', 'language')
    op.drop_table('protocol_component_translations')
