"""feedback responses

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03 18:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('lab_session_id', sa.Integer(), nullable=False),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=False),
    sa.Column('focus_populations', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('words_erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_feedback_responses_usefulness_1_to_5')),
    sa.ForeignKeyConstraint(['lab_session_id'], ['lab_sessions.id'], name=op.f('fk_feedback_responses_lab_session_id_lab_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_feedback_responses_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_feedback_responses_registration_id'))
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_responses_session', ['lab_session_id', 'usefulness'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_responses_session')

    op.drop_table('feedback_responses')
