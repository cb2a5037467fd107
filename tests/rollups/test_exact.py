"""Every rollup equals a full recount after each kind of change a complaint goes through: intake,
a bulk load, status changes, edits of dates and ratings, re-routing, "after" photos, deletions."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from boundaries.models import Agency, Jurisdiction, TaskForce
from boundaries.services import jurisdiction_save, kecamatan_union
from complaints import workflow
from complaints.bulk import complaints_load
from complaints.demo import demo_complaints
from complaints.models import Complaint, Photo, Role, Status
from complaints.rerouting import complaints_reroute
from complaints.tracking import new_tracking_code
from rollups.models import AreaDay, CellDay, CellMonth, CellTotal, FlowDay, ResolutionDay, TileCell
from rollups.sql import TABLES, recount_statements

pytestmark = pytest.mark.django_db
NOW = timezone.now()
# Each table's key and its counts (sx, sy: sums of coordinates, compared to 1e-6 degrees, or for
# the tile cells metres; sid, sid2: sums of ids, exact).
_COLUMNS = {
    model._meta.db_table: [f.column for f in model._meta.fields if f.column != "id"]
    for model in (AreaDay, CellDay, CellMonth, CellTotal, FlowDay, ResolutionDay, TileCell)
}


def differences() -> dict[str, list]:
    """Rows (with their counts) in which each rollup and a recount from scratch differ; rows whose
    counts are all zero are no rows."""
    found = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}_recount")
            cursor.execute(f"CREATE TEMP TABLE {table}_recount (LIKE {table} INCLUDING ALL)")
        for statement in recount_statements("_recount"):
            cursor.execute(statement)
        for table, columns in _COLUMNS.items():
            shown = ", ".join(f"round({c}::numeric, 6)" if c in ("sx", "sy") else c for c in columns)
            counts = [
                c
                for c in columns
                if c
                in (
                    "n",
                    "received",
                    "assigned",
                    "closed",
                    "forwarded",
                    "within_sla",
                    "reopened",
                    "rated",
                    "rating_sum",
                    "without_after_photo",
                    "on_site",
                )
            ]
            nonzero = " OR ".join(f"{c} <> 0" for c in counts)
            cursor.execute(
                f"""
                (SELECT 'live', {shown} FROM {table} WHERE {nonzero}
                 EXCEPT SELECT 'live', {shown} FROM {table}_recount)
                UNION ALL
                (SELECT 'recount', {shown} FROM {table}_recount
                 EXCEPT SELECT 'recount', {shown} FROM {table} WHERE {nonzero})
                """
            )
            if rows := cursor.fetchall():
                found[table] = rows[:10]
    return found


def test_an_empty_database_has_empty_rollups():
    assert differences() == {}


@pytest.fixture
def loaded(tmp_path, settings):
    """A bulk load of 300 demo complaints over 60 days (statuses, resolutions and closures by age)."""
    settings.MEDIA_ROOT = tmp_path
    return complaints_load(demo_complaints(300, seed=8, days=60, now=NOW)).complaints()


def test_a_bulk_load_is_counted(loaded):
    assert AreaDay.objects.exists() and CellDay.objects.exists() and FlowDay.objects.exists()
    assert CellMonth.objects.exists() and CellTotal.objects.exists() and TileCell.objects.exists()
    assert differences() == {}


def test_every_kind_of_change_keeps_every_rollup_exact(loaded, file_complaint, staff_user):
    rng = random.Random(19)
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    # Intake, sensitive categories (private) included.
    filed = [file_complaint(category=rng.choice(["sampah", "kdrt", "jalan-rusak"])) for _ in range(6)]
    assert differences() == {}
    # Status changes through the workflow: acknowledge, work, resolve, reopen-like edits.
    for complaint in filed[:4]:
        for to in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
            workflow.complaint_transition(complaint=Complaint.objects.get(pk=complaint.pk), actor=admin, to_status=to)
    assert differences() == {}
    # Edits that bypass the services: dates, ratings, reopen counts, statuses, privacy.
    some = rng.sample([c.pk for c in loaded], 60)
    Complaint.objects.filter(pk__in=some[:20]).update(created_at=NOW - timedelta(days=40))
    Complaint.objects.filter(pk__in=some[20:40], status=Status.SELESAI).update(rating=4, reopen_count=1)
    Complaint.objects.filter(pk__in=some[40:50]).update(
        status=Status.SELESAI, resolved_at=NOW - timedelta(days=2), closed_at=NOW - timedelta(days=2)
    )
    Complaint.objects.filter(pk__in=some[50:]).update(private=True)
    assert differences() == {}
    # What the report card counts beyond them: channels, officers, forwardings, closings on site.
    officer = staff_user("petugas-rollup", Role.SATGAS, agency="DLHK")
    Complaint.objects.filter(pk__in=some[:15]).update(channel="whatsapp")
    Complaint.objects.filter(pk__in=some[10:30]).update(assigned_to=officer)
    Complaint.objects.filter(pk__in=some[30:35]).update(status=Status.DITERUSKAN, closed_at=NOW - timedelta(days=1))
    Complaint.objects.filter(pk__in=some[40:45]).update(resolved_on_site=True)
    assert differences() == {}
    Complaint.objects.filter(pk__in=some[12:20]).update(assigned_to=None, channel="web")
    assert differences() == {}
    # "After" photos added to resolved complaints (two at once for one), one removed again.
    resolved = list(Complaint.objects.filter(status=Status.SELESAI)[:5])
    photo = dict(kind="after", image="photos/x.jpg", thumbnail="photos/x-thumb.jpg", width=1, height=1)
    Photo.objects.bulk_create([Photo(complaint=resolved[0], **photo), Photo(complaint=resolved[0], **photo)])
    made = [Photo.objects.create(complaint=c, **photo) for c in resolved[1:]]
    assert differences() == {}
    made[0].delete()
    Photo.objects.filter(complaint=resolved[0]).delete()
    assert differences() == {}
    # Re-routing after a new jurisdiction over Sukajadi takes garbage there.
    dlhk = Agency.objects.get(code="DLHK")
    squad = TaskForce.objects.create(agency=dlhk, code="DLHK-SUKAJADI", name="Satgas Sukajadi")
    jurisdiction_save(
        Jurisdiction(
            code="DLHK-SUKAJADI",
            agency=dlhk,
            task_force=squad,
            categories=["sampah"],
            area=kecamatan_union(["14.71.01"]),
            priority=20,
        )
    )
    report = complaints_reroute(commit=True)
    assert report.moved_complaints > 0
    assert differences() == {}
    # Rows inserted and deleted through the ORM (a complaint without events can be deleted).
    copies = []
    for original in rng.sample(loaded, 5):
        original.pk, original.tracking_code, original.idempotency_key = None, new_tracking_code(), None
        original.save()
        copies.append(original.pk)
    assert differences() == {}
    Complaint.objects.filter(pk__in=copies).delete()
    assert differences() == {}
    # A second bulk load on top.
    complaints_load(demo_complaints(100, seed=9, days=30, now=NOW))
    assert differences() == {}


def test_a_statement_that_swaps_two_complaints_of_a_cell_between_statuses_moves_them(file_complaint):
    """The count of each (cell, status) stays, but which complaints it holds changes: the tile
    cells' sums of ids (which name the complaints of small cells) must follow."""
    a, b = file_complaint(101.44, 0.51), file_complaint(101.44001, 0.51001)
    Complaint.objects.filter(pk=b.pk).update(status=Status.DIKERJAKAN)
    assert differences() == {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Complaint._meta.db_table} SET status = CASE WHEN id = %s THEN %s ELSE %s END WHERE id IN (%s, %s)",
            [a.pk, Status.DIKERJAKAN.value, Status.BARU.value, a.pk, b.pk],
        )
    assert differences() == {}


def test_a_rolled_back_change_leaves_the_rollups_as_they_were(loaded):
    from django.db import transaction

    before = sorted(AreaDay.objects.values_list("day", "status", "n"))
    with pytest.raises(RuntimeError), transaction.atomic():
        Complaint.objects.update(status=Status.DITOLAK)
        raise RuntimeError
    assert sorted(AreaDay.objects.values_list("day", "status", "n")) == before


def test_the_comparison_sees_a_change_the_triggers_missed(loaded):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no trigger fires
        Complaint.objects.filter(pk=loaded[0].pk).update(status=Status.DITOLAK, closed_at=NOW)
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert set(differences()) == {"rollups_areaday", "rollups_cellday", "rollups_flowday", "rollups_tilecell"}


def test_the_triggers_follow_the_code_after_every_migrate(loaded):
    """rollups.definition: a changed definition is installed and counted again; an unchanged one is left."""
    from rollups import definition

    with connection.cursor() as cursor:
        assert definition.installed_digest(cursor) == definition.digest()
        cursor.execute("COMMENT ON FUNCTION rollups_on_insert() IS 'older'")
        cursor.execute("TRUNCATE rollups_areaday")  # what a recount must bring back
    assert definition.sync() is True
    assert AreaDay.objects.exists() and differences() == {}
    assert definition.sync() is False


def test_an_initial_load_counts_once_at_the_end_and_rebuilds_the_indexes(tmp_path, settings):
    from rollups.maintenance import initial_load

    def indexes():
        with connection.cursor() as cursor:
            # Names only: a rebuilt partial index's condition may be written back differently.
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints_complaint'")
            names = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid IN ('complaints_complaint'::regclass, 'complaints_complaintevent'::regclass)"
            )
            return sorted(names), sorted(cursor.fetchall())

    before = indexes()
    with initial_load():
        complaints_load(demo_complaints(150, seed=3, days=40, now=NOW))
        assert not AreaDay.objects.exists()  # not counted yet
        complaints_load(demo_complaints(50, seed=4, days=40, now=NOW))
    assert AreaDay.objects.exists() and differences() == {}
    assert indexes() == before
    # The triggers are on again.
    Complaint.objects.filter(pk=Complaint.objects.first().pk).update(status=Status.DITOLAK, closed_at=NOW)
    assert differences() == {}


def test_an_initial_load_checks_every_foreign_key_when_it_adds_them_back(tmp_path, settings):
    """A row that breaks a foreign key while the keys are dropped (an event of no complaint) is found
    when the key is added back: the whole load is undone, the keys are there again, nothing counted."""
    from django.db import IntegrityError

    from rollups.maintenance import initial_load

    def foreign_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid IN ('complaints_complaint'::regclass, 'complaints_complaintevent'::regclass)"
            )
            return sorted(cursor.fetchall())

    before = foreign_keys()
    with pytest.raises(IntegrityError), initial_load():
        complaints_load(demo_complaints(20, seed=5, days=10, now=NOW))
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO complaints_complaintevent (complaint_id, at, kind, from_status, to_status, note, public) "
                "VALUES (987654321, now(), 'note', '', '', 'tanpa pengaduan', false)"
            )
    assert not Complaint.objects.exists() and not AreaDay.objects.exists()
    assert foreign_keys() == before and len(before) > 5


def test_every_channel_has_its_rollup_id():
    from complaints.models import Channel
    from rollups.models import CHANNEL_IDS

    assert set(CHANNEL_IDS) == set(Channel.values)
    assert len(set(CHANNEL_IDS.values())) == len(CHANNEL_IDS)


@pytest.mark.django_db(transaction=True)
def test_rollups_rebuild_counts_again_and_vacuums(committed_city, tmp_path, settings):
    import io

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    complaints_load(demo_complaints(50, seed=2, days=20, now=NOW))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE rollups_areaday")  # what the recount must bring back
    out = io.StringIO()
    call_command("rollups_rebuild", stdout=out)
    assert "vacuumed" in out.getvalue()
    assert AreaDay.objects.exists() and differences() == {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'rollups_cellday'")
        assert cursor.fetchone()[0]
