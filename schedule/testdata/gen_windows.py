#!/usr/bin/env python3
"""Expected placements of availability windows, computed with Python's
zoneinfo as an independent reference (issue 18). Run from schedule/:

    python3 testdata/gen_windows.py > testdata/windows.json

Rules (scheduling §3.2): the start is wall clock (monday + day, start) in
the player's zone; a reading inside a spring-forward gap uses the offset in
force before the change (zoneinfo's fold=0), a repeated reading is the first
occurrence (fold=0); the end is start + hours real time, hours having one
decimal, so the length is a whole number of minutes.
"""
import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

UTC = timezone.utc
NY = ZoneInfo("America/New_York")

# (name, zone, monday, day 0=Mon, "HH:MM", "hours")
CASES = [
    ("NY Mon 20:42 2.3h (issue)", "America/New_York", "2025-01-13", 0, "20:42", "2.3"),
    ("NY 4.1h", "America/New_York", "2025-01-13", 1, "19:00", "4.1"),
    ("NY 4.6h", "America/New_York", "2025-01-13", 2, "19:00", "4.6"),
    ("NY 8.2h", "America/New_York", "2025-01-13", 3, "14:00", "8.2"),
    ("NY 8.7h over midnight", "America/New_York", "2025-01-13", 4, "18:00", "8.7"),
    ("NY 9.2h", "America/New_York", "2025-01-13", 5, "12:06", "9.2"),
    ("NY 9.7h", "America/New_York", "2025-01-13", 6, "16:18", "9.7"),
    ("Kolkata +5:30 2.3h", "Asia/Kolkata", "2026-03-02", 2, "21:30", "2.3"),
    ("Kathmandu +5:45 over midnight 4.6h", "Asia/Kathmandu", "2026-03-02", 4, "22:15", "4.6"),
    ("Chatham +12:45 8.2h", "Pacific/Chatham", "2026-06-01", 0, "17:45", "8.2"),
    ("Chatham gap start 03:00", "Pacific/Chatham", "2026-09-21", 6, "03:00", "2.3"),
    ("Chatham overlap start 03:00", "Pacific/Chatham", "2026-03-30", 6, "03:00", "4.1"),
    ("Lord Howe gap start 02:15", "Australia/Lord_Howe", "2026-09-28", 6, "02:15", "2.3"),
    ("Lord Howe overlap start 01:45", "Australia/Lord_Howe", "2026-03-30", 6, "01:45", "9.7"),
    ("Lord Howe over midnight 8.7h", "Australia/Lord_Howe", "2026-09-28", 5, "20:12", "8.7"),
    ("St Johns -3:30 over DST 9.2h", "America/St_Johns", "2027-03-08", 5, "21:00", "9.2"),
    ("Adelaide +9:30 spring 4.6h", "Australia/Adelaide", "2026-09-28", 5, "23:30", "4.6"),
    ("NY gap start 02:30", "America/New_York", "2027-03-08", 6, "02:30", "1.7"),
    ("NY overlap start 01:30", "America/New_York", "2026-10-26", 6, "01:30", "2.3"),
    ("London gap start 01:30", "Europe/London", "2027-03-22", 6, "01:30", "4.1"),
    ("London Sun 06:00 1.7h (issue item 2)", "Europe/London", "2027-03-08", 6, "06:00", "1.7"),
    ("Sydney overlap start 02:30", "Australia/Sydney", "2026-03-30", 6, "02:30", "8.2"),
    ("Tehran +3:30 9.7h", "Asia/Tehran", "2026-01-05", 3, "18:54", "9.7"),
    ("Santiago midnight gap", "America/Santiago", "2026-09-07", 6, "00:00", "2.3"),
]


def fmt(dt):
    return dt.strftime("%a %H:%M ") + dt.tzname()


out = []
for name, zone, monday, day, start, hours in CASES:
    z = ZoneInfo(zone)
    d = date.fromisoformat(monday) + timedelta(days=day)
    hh, mm = map(int, start.split(":"))
    local = datetime.combine(d, time(hh, mm), tzinfo=z)  # fold=0
    s = local.astimezone(UTC)
    minutes = int(Decimal(hours) * 60)
    e = s + timedelta(minutes=minutes)
    out.append({
        "name": name, "zone": zone, "monday": monday, "day": day, "start": start,
        "hours": float(hours), "minutes": minutes,
        "utc_start": s.strftime("%Y-%m-%d %H:%M"), "utc_end": e.strftime("%Y-%m-%d %H:%M"),
        "local_end": fmt(e.astimezone(z)), "ny_start": fmt(s.astimezone(NY)), "ny_end": fmt(e.astimezone(NY)),
    })
print(json.dumps(out, indent=1))
