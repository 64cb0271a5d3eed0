"""seat counts on each session, kept by triggers on registrations

Everyone registering for a popular session waits for that session's row lock, and counting its
registrations there cost time in proportion to how many had registered. The session row now
carries its confirmed and waitlisted counts, kept by the database itself on every insert, delete
and change of status or session, whichever code path (or operator at a psql prompt) makes it.

SQLite drops a table's triggers when batch mode rebuilds the table: a later migration that
rebuilds `registrations` on SQLite must create these triggers again (tests/registrations/
test_seat_counts.py fails if it does not).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 11:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COUNTED = ("confirmed", "waitlisted")

# PostgreSQL: one function for the three events. A status change within one session moves one
# count down and the other up; moving a registration to another session moves it between rows.
POSTGRES_FUNCTION = """
CREATE FUNCTION registrations_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.lab_session_id = NEW.lab_session_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE lab_sessions
           SET confirmed_count = confirmed_count - (OLD.status = 'confirmed')::int,
               waitlisted_count = waitlisted_count - (OLD.status = 'waitlisted')::int
         WHERE id = OLD.lab_session_id AND OLD.status IN ('confirmed', 'waitlisted');
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE lab_sessions
           SET confirmed_count = confirmed_count + (NEW.status = 'confirmed')::int,
               waitlisted_count = waitlisted_count + (NEW.status = 'waitlisted')::int
         WHERE id = NEW.lab_session_id AND NEW.status IN ('confirmed', 'waitlisted');
    END IF;
    RETURN NULL;
END;
$$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER registrations_count_seats
AFTER INSERT OR DELETE OR UPDATE OF status, lab_session_id ON registrations
FOR EACH ROW EXECUTE FUNCTION registrations_count_seats()
"""

# SQLite: no trigger functions, so one trigger per event; a comparison is 0 or 1 there.
_SQLITE_SUBTRACT_OLD = """
    UPDATE lab_sessions
       SET confirmed_count = confirmed_count - (OLD.status = 'confirmed'),
           waitlisted_count = waitlisted_count - (OLD.status = 'waitlisted')
     WHERE id = OLD.lab_session_id;"""
_SQLITE_ADD_NEW = """
    UPDATE lab_sessions
       SET confirmed_count = confirmed_count + (NEW.status = 'confirmed'),
           waitlisted_count = waitlisted_count + (NEW.status = 'waitlisted')
     WHERE id = NEW.lab_session_id;"""
SQLITE_TRIGGERS = {
    "registrations_count_seats_insert": f"AFTER INSERT ON registrations BEGIN {_SQLITE_ADD_NEW} END",
    "registrations_count_seats_delete": f"AFTER DELETE ON registrations BEGIN {_SQLITE_SUBTRACT_OLD} END",
    "registrations_count_seats_update": (
        "AFTER UPDATE OF status, lab_session_id ON registrations "
        "WHEN OLD.status IS NOT NEW.status OR OLD.lab_session_id IS NOT NEW.lab_session_id "
        f"BEGIN {_SQLITE_SUBTRACT_OLD} {_SQLITE_ADD_NEW} END"
    ),
}


def upgrade():
    with op.batch_alter_table('lab_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('waitlisted_count', sa.Integer(), server_default='0', nullable=False))

    # Counts for the registrations already there, then the triggers keep them.
    for status in COUNTED:
        op.execute(
            f"UPDATE lab_sessions SET {status}_count = (SELECT count(*) FROM registrations "
            f"WHERE registrations.lab_session_id = lab_sessions.id AND registrations.status = '{status}')"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER registrations_count_seats ON registrations")
        op.execute("DROP FUNCTION registrations_count_seats()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")

    # Not batch mode: on SQLite it rebuilds the table, and dropping the old lab_sessions with
    # foreign keys on would cascade-delete every registration. SQLite >= 3.35 drops columns itself.
    op.drop_column('lab_sessions', 'waitlisted_count')
    op.drop_column('lab_sessions', 'confirmed_count')
