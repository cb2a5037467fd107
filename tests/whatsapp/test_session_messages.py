"""Session messages as the Cloud API takes them: WhatsApp refuses an interactive message whose
titles are too long or that has too many rows or buttons, so the builders keep within its limits."""

from notifications.channels import whatsapp as wa


def test_a_list_keeps_to_ten_rows_and_the_title_lengths():
    rows = [(f"kategori-{n}", "Drainase tersumbat / banjir di jalan utama", "x" * 100) for n in range(12)]
    content = wa.session_list("Pilih kategori.", "Pilih kategori masalah sekarang", [("Kategori umum kota", rows)])
    action = content["interactive"]["action"]
    [section] = action["sections"]
    assert len(section["rows"]) == wa.LIST_ROWS
    assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in section["rows"])
    assert section["rows"][0]["title"].endswith("…") and len(action["button"]) <= 20
    assert content["type"] == "interactive" and content["interactive"]["type"] == "list"


def test_rows_beyond_ten_drop_later_sections_and_buttons_stop_at_three():
    first = [(str(n), "a", "b") for n in range(10)]
    content = wa.session_list("x", "y", [("satu", first), ("dua", [("rahasia", "Laporan rahasia", "")])])
    assert [s["title"] for s in content["interactive"]["action"]["sections"]] == ["satu"]
    buttons = wa.session_buttons(
        "x", [("a", "Dukung"), ("b", "Kirim laporan baru sekarang juga"), ("c", "c"), ("d", "d")]
    )
    replies = [b["reply"] for b in buttons["interactive"]["action"]["buttons"]]
    assert [r["id"] for r in replies] == ["a", "b", "c"] and all(len(r["title"]) <= 20 for r in replies)
