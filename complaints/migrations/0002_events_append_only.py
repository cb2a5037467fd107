"""The audit trail cannot be rewritten: the database itself refuses UPDATE and DELETE of events."""
from django.db import migrations

FORWARD = """
CREATE FUNCTION complaints_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'complaint events are append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER complaints_event_append_only
    BEFORE UPDATE OR DELETE ON complaints_complaintevent
    FOR EACH ROW EXECUTE FUNCTION complaints_event_append_only();
"""
BACKWARD = """
DROP TRIGGER complaints_event_append_only ON complaints_complaintevent;
DROP FUNCTION complaints_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
