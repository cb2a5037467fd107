"""The repository is enough: a clone with nothing beside it loads the city, and no tracked file leans on
anything outside the repository."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR


def tracked_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in names.decode().split("\0") if name]


@pytest.mark.django_db
def test_a_clone_in_an_empty_folder_finds_the_city(tmp_path):
    clone = tmp_path / "empty" / "peka"
    clone.parent.mkdir()
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    assert sorted(p.name for p in clone.parent.iterdir()) == ["peka"]
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "PEKA_BOUNDARY_DIR"}
    env["DATABASE_URL"] = f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    run = subprocess.run(
        [sys.executable, "manage.py", "load_city", "--dry-run"], cwd=clone, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert f"Boundaries from {clone / 'fixtures' / 'kecamatan'}" in run.stdout
    assert re.search(r"\b15 unchanged\b", run.stdout) and re.search(r"\b83 unchanged\b", run.stdout), run.stdout


# What a file must not say: a blueprint kept outside the repository, or a path into a folder beside it or
# on one machine. Built from pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join(["DESIGN" + r"\.md", r"\.\./" + "shared", "/" + "work/", "/" + "root/", "/" + r"home/\w"]))


def test_no_tracked_file_depends_on_anything_outside_the_repository():
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert offenders == []
