"""Every change is audited, 身份证号 masked, and the log is hash-chained."""

from sqlalchemy import select, text

from vetdesk.db import models
from vetdesk.db.audit import verify_chain
from vetdesk.db.database import open_database


def test_changes_are_logged_with_operator_and_old_new_values(county_db):
    db = open_database(county_db)
    with db.transaction() as session:
        s = session.scalars(select(models.School)).first()
        old_name = s.name
        s.name = "新名称职业学校"
    with db.session() as session:
        entry = session.scalars(
            select(models.AuditEntry).order_by(models.AuditEntry.id.desc())
        ).first()
        assert (entry.action, entry.table_name, entry.field) == ("update", "schools", "name")
        assert (entry.old_value, entry.new_value) == (old_name, "新名称职业学校")
        assert entry.operator == "测试员"
        assert entry.record_key.startswith("school:3663")
        assert verify_chain(session) is None
    db.close()


def test_id_numbers_are_masked_in_the_log(county_db):
    db = open_database(county_db)
    with db.transaction() as session:
        t = session.scalars(select(models.Teacher)).first()
        full = t.id_number
        session.delete(t)
    with db.session() as session:
        entry = session.scalars(
            select(models.AuditEntry).order_by(models.AuditEntry.id.desc())
        ).first()
        assert entry.action == "delete"
        assert full not in (entry.old_value or "") and full not in entry.record_key
        assert full[:6] in entry.record_key
    db.close()


def test_editing_history_breaks_the_chain(county_db):
    db = open_database(county_db)
    with db.transaction() as session:
        session.scalars(select(models.School)).first().address = "改过的地址"
        session.flush()
        session.scalars(select(models.School)).first().address = "再改一次"
    with db.engine.begin() as conn:
        first = conn.execute(text("SELECT min(id) FROM audit_log WHERE field = 'address'")).scalar()
        conn.execute(text("UPDATE audit_log SET new_value = '伪造' WHERE id = :id"), {"id": first})
    with db.session() as session:
        assert verify_chain(session) == first
    db.close()


def test_rolled_back_changes_leave_no_audit_entries(county_db):
    db = open_database(county_db)
    with db.session() as session:
        before = session.scalar(text("SELECT count(*) FROM audit_log"))
    try:
        with db.transaction() as session:
            session.scalars(select(models.School)).first().name = "临时"
            session.flush()
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    with db.session() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_log")) == before
        assert verify_chain(session) is None
    db.close()
