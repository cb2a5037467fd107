"""Realistic demo data for a city that has none yet: complaints clustered where Pekanbaru's problems
are, with a plausible history (acknowledged, worked, resolved, rated, sometimes reopened), and one
account per staff role.

Every draw of place, category, time and history comes from one seeded generator, so the same seed
gives the same city on every machine; tracking codes and reporter keys come from ``secrets``, so
nobody can compute a demo complaint's code from the seed. Each row is named by its seed and number
(its idempotency key), so loading them twice adds nothing. The history is written directly, with
past timestamps, because the workflow services act in the present.
"""

import math
import random
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Point
from django.utils import timezone

from boundaries.models import Agency, Kecamatan, TaskForce
from complaints.bulk import NewComplaint
from complaints.events import event_of, events_record
from complaints.models import CLOSED_STATUSES, Category, Complaint, EventKind, Role, StaffRole, Status
from complaints.tracking import new_tracking_code
from geo.spatial import METRES_PER_DEGREE, WGS84

# (lon, lat) corridors and places where complaints gather, with the categories they draw most.
# Coordinates are approximate (±100 m); the spread around them is drawn in metres.
HOTSPOTS = [
    ("Pasar Pusat & Pasar Bawah", [(101.4432, 0.5360), (101.4475, 0.5378)], 3.0, ["sampah", "drainase", "kesehatan"]),
    (
        "Jl. Jend. Sudirman",
        [(101.4497, 0.5290), (101.4470, 0.4980), (101.4445, 0.4620)],
        3.0,
        ["lampu-jalan", "jalan-rusak", "drainase"],
    ),
    (
        "Jl. H.R. Soebrantas (Panam)",
        [(101.3700, 0.4660), (101.4050, 0.4700), (101.4300, 0.4720)],
        3.0,
        ["jalan-rusak", "drainase", "sampah"],
    ),
    ("Jl. Riau", [(101.4180, 0.5300), (101.4440, 0.5340)], 1.5, ["lampu-jalan", "jalan-rusak"]),
    ("Jl. Tuanku Tambusai", [(101.4090, 0.4960), (101.4470, 0.4970)], 2.0, ["lampu-jalan", "sampah", "pohon-tumbang"]),
    ("Pasar Arengka", [(101.4180, 0.4650), (101.4220, 0.4700)], 1.5, ["sampah", "kesehatan"]),
    ("Sungai Sail", [(101.4600, 0.5150), (101.4800, 0.5000), (101.4950, 0.4860)], 2.0, ["drainase", "kesehatan"]),
    ("Jl. Kaharuddin Nasution", [(101.4530, 0.4550), (101.4580, 0.4300)], 1.0, ["jalan-rusak", "lampu-jalan"]),
    ("Rumbai", [(101.4400, 0.5600), (101.4350, 0.5900)], 1.0, ["pohon-tumbang", "jalan-rusak"]),
]
# Share of each category over the whole city (the rest of a complaint's chances).
CATEGORY_WEIGHTS = {
    "sampah": 25,
    "jalan-rusak": 20,
    "drainase": 18,
    "lampu-jalan": 15,
    "kesehatan": 7,
    "lainnya": 7,
    "pohon-tumbang": 5,
    "kdrt": 3,
}
DESCRIPTIONS = {
    "lampu-jalan": [
        "Lampu jalan mati sudah {n} malam, jalan gelap dan rawan.",
        "Beberapa tiang lampu padam di ruas ini.",
    ],
    "sampah": [
        "Sampah tidak diangkut sejak {n} hari, mulai berbau.",
        "Tumpukan sampah di pinggir jalan menutup trotoar.",
    ],
    "jalan-rusak": [
        "Jalan berlubang dalam, sudah {n} motor jatuh.",
        "Aspal mengelupas dan retak sepanjang sekitar {n}0 meter.",
    ],
    "drainase": ["Parit tersumbat, air meluap ke jalan setiap hujan.", "Banjir setinggi {n}0 cm setelah hujan deras."],
    "pohon-tumbang": [
        "Pohon tumbang menutup sebagian badan jalan.",
        "Dahan besar patah dan menggantung di atas kabel.",
    ],
    "kesehatan": [
        "Genangan air jadi sarang nyamuk, ada warga kena DBD.",
        "Bangkai hewan di saluran air, bau menyengat.",
    ],
    "kdrt": ["Sering terdengar kekerasan di rumah tetangga, mohon ditindaklanjuti."],
    "lainnya": ["Papan nama jalan hilang.", "Trotoar dipakai parkir sehingga pejalan kaki turun ke jalan."],
}
# Rainy months in Riau (Nov–Jan, Mar–Apr) bring more drain, flood and fallen-tree complaints.
RAINY_MONTHS = {11, 12, 1, 3, 4}
RAINY_CATEGORIES = {"drainase", "pohon-tumbang", "kesehatan"}


def demo_complaints(
    count: int, *, seed: int = 1471, days: int = 365, now: datetime | None = None
) -> list[NewComplaint]:
    """``count`` candidate complaints (some may fall outside the city and be refused by routing)."""
    rng = random.Random(seed)
    now = now or timezone.now()
    categories = {c.code: c for c in Category.objects.all()}
    weights = {code: w for code, w in CATEGORY_WEIGHTS.items() if code in categories}
    bounds = _city_box()
    rows = []
    for n in range(count):
        created_at = now - timedelta(days=days * rng.random() ** 1.3, seconds=rng.randrange(86_400))
        if rng.random() < 0.7:
            name, corridor, _weight, favourites = rng.choices(HOTSPOTS, weights=[h[2] for h in HOTSPOTS])[0]
            lon, lat = _near_corridor(rng, corridor, spread_m=250)
            pool = {code: w * (4 if code in favourites else 1) for code, w in weights.items()}
        else:
            lon, lat = rng.uniform(bounds[0], bounds[2]), rng.uniform(bounds[1], bounds[3])
            pool = dict(weights)
        if timezone.localtime(created_at).month in RAINY_MONTHS:
            pool = {code: w * (3 if code in RAINY_CATEGORIES else 1) for code, w in pool.items()}
        code = rng.choices(list(pool), weights=list(pool.values()))[0]
        rows.append(
            NewComplaint(
                tracking_code=new_tracking_code(),
                category=categories[code],
                description=rng.choice(DESCRIPTIONS[code]).format(n=rng.randint(2, 9)),
                location=Point(round(lon, 6), round(lat, 6), srid=WGS84),
                created_at=created_at,
                idempotency_key=f"demo:{seed}:{n}",
            )
        )
    return rows


def _near_corridor(rng: random.Random, corridor, *, spread_m: float) -> tuple[float, float]:
    """A point along the polyline ``corridor``, scattered with a normal spread of ``spread_m`` metres."""
    i = rng.randrange(len(corridor) - 1) if len(corridor) > 1 else 0
    (x1, y1), (x2, y2) = corridor[i], corridor[min(i + 1, len(corridor) - 1)]
    t = rng.random()
    # Near the equator a degree is ~111 km both ways; the cosine keeps it honest elsewhere.
    dx = rng.gauss(0, spread_m) / (METRES_PER_DEGREE * math.cos(math.radians(y1)))
    dy = rng.gauss(0, spread_m) / METRES_PER_DEGREE
    return x1 + t * (x2 - x1) + dx, y1 + t * (y2 - y1) + dy


def _city_box() -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of all kecamatan."""
    extent = Kecamatan.objects.aggregate(extent=Extent("boundary"))["extent"]
    if extent is None:
        raise ValueError("No kecamatan loaded: run `manage.py load_city` first.")
    return extent


def demo_history(complaints: list[Complaint], *, seed: int = 1471, now: datetime | None = None) -> int:
    """Move freshly created demo complaints along a plausible history; returns how many events it wrote.

    Older complaints are more often finished; resolution times scatter around the SLA, so some are
    late and some open ones are overdue.
    """
    rng = random.Random(seed + 1)
    now = now or timezone.now()
    events = []
    for complaint in complaints:
        age_days = (now - complaint.created_at).total_seconds() / 86_400
        finished = rng.random() < min(0.9, 0.15 + age_days / 20)
        if finished:
            target = rng.choices([Status.SELESAI, Status.DITOLAK, Status.DUPLIKAT], weights=[88, 8, 4])[0]
        else:
            target = rng.choices([Status.BARU, Status.DIVERIFIKASI, Status.DIKERJAKAN], weights=[45, 30, 25])[0]
        at = complaint.created_at
        sla_days = complaint.category.sla_working_days
        for status in _path_to(target):
            step_days = rng.lognormvariate(math.log(max(sla_days, 1) * 0.35), 0.8)
            candidate = at + timedelta(days=step_days)
            if candidate >= now:
                break
            at = candidate
            note = ""
            if status == Status.DITOLAK:
                note = rng.choice(["Bukan kewenangan Pemerintah Kota.", "Lokasi tidak ditemukan saat peninjauan."])
            elif status == Status.DUPLIKAT:
                original = rng.choice(complaints)
                if original is complaint:
                    break
                complaint.duplicate_of = original
                note = f"Sama dengan {original.tracking_code}."
            elif status == Status.SELESAI:
                note = "Sudah ditangani oleh petugas."
            events.append(
                event_of(complaint, EventKind.STATUS, at=at, from_status=complaint.status, to_status=status, note=note)
            )
            complaint.status = status
            complaint.updated_at = at
            complaint.version += 1
            if status in CLOSED_STATUSES:
                complaint.closed_at = at
            if status == Status.SELESAI:
                complaint.resolved_at = at
        if complaint.status == Status.SELESAI and rng.random() < 0.45:
            complaint.rating = rng.choices([1, 2, 3, 4, 5], weights=[6, 8, 18, 38, 30])[0]
            events.append(
                event_of(
                    complaint,
                    EventKind.RATED,
                    at=complaint.resolved_at,
                    from_status=Status.SELESAI,
                    to_status=Status.SELESAI,
                    note=f"{complaint.rating}/5",
                )
            )
    Complaint.objects.bulk_update(
        complaints,
        ["status", "updated_at", "version", "closed_at", "resolved_at", "duplicate_of", "rating"],
        batch_size=1000,
    )
    events_record(events)  # a made-up past: nobody is told of it
    return len(events)


def _path_to(target: str) -> list[str]:
    if target in (Status.DITOLAK, Status.DUPLIKAT):
        return [Status.DIVERIFIKASI, target]
    path = [Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI]
    return [] if target == Status.BARU else path[: path.index(target) + 1]


# One account per role, for looking around: (username, role, agency, task forces).
DEMO_ACCOUNTS = [
    ("satgas.dlhk", Role.SATGAS, "DLHK", ["DLHK-TENGAH"]),
    ("supervisor.dpupr", Role.SUPERVISOR, "DPUPR", []),
    ("admin.kota", Role.CITY_ADMIN, None, []),
]


def demo_accounts() -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; returns (username, password) of those created."""
    created = []
    for username, role, agency_code, task_force_codes in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        is_admin = role == Role.CITY_ADMIN
        user = User.objects.create_user(username, password=password, is_staff=is_admin, is_superuser=is_admin)
        staff = StaffRole.objects.create(user=user, role=role, agency=Agency.objects.filter(code=agency_code).first())
        staff.task_forces.set(TaskForce.objects.filter(code__in=task_force_codes))
        created.append((username, password))
    return created
