"""Schema migrations, applied in order; ``PRAGMA user_version`` records the last one.

Each migration runs in one transaction with the version bump, so a database is
always at exactly one version. Never edit a released migration: add a new one.
The tables are described in ``docs/database.md``.
"""

from __future__ import annotations

from engine.features.names import FEATURE_NAMES

_FEATURE_COLUMNS = ",\n    ".join(f"{name} REAL" for name in FEATURE_NAMES)

MIGRATIONS: list[list[str]] = [
    # 1: tracks, features, plays, profile snapshots, meta
    [
        """CREATE TABLE tracks (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    title TEXT,
    artist TEXT,
    album TEXT,
    album_artist TEXT,
    genre TEXT,
    track_number INTEGER,
    year INTEGER,
    duration_ms INTEGER,
    size INTEGER,
    mtime REAL,
    status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing', 'failed')),
    error TEXT,
    added_at REAL NOT NULL,
    updated_at REAL NOT NULL
)""",
        "CREATE INDEX tracks_artist ON tracks (artist)",
        f"""CREATE TABLE features (
    track_id INTEGER PRIMARY KEY REFERENCES tracks (id) ON DELETE CASCADE,
    extractor_version INTEGER NOT NULL,
    {_FEATURE_COLUMNS},
    analysed_at REAL NOT NULL
)""",
        """CREATE TABLE plays (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks (id),
    session_id TEXT NOT NULL,
    started_at REAL NOT NULL,
    hour REAL NOT NULL CHECK (hour >= 0 AND hour < 24),
    listened_ms INTEGER NOT NULL CHECK (listened_ms >= 0),
    position_ms INTEGER NOT NULL CHECK (position_ms >= 0),
    duration_ms INTEGER NOT NULL,
    ended TEXT NOT NULL CHECK (ended IN
        ('end', 'skip', 'pick', 'previous', 'closed', 'error', 'interrupted')),
    seeks_forward INTEGER NOT NULL DEFAULT 0,
    seeks_backward INTEGER NOT NULL DEFAULT 0,
    label REAL CHECK (label IS NULL OR (label >= 0 AND label <= 1)),
    label_kind TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'player'
)""",
        "CREATE INDEX plays_track ON plays (track_id, started_at)",
        "CREATE INDEX plays_started ON plays (started_at)",
        """CREATE TABLE profile_snapshots (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    reason TEXT NOT NULL,
    steps INTEGER NOT NULL,
    mode TEXT NOT NULL,
    profile TEXT NOT NULL,
    checksum TEXT NOT NULL
)""",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
]

MIGRATIONS.append(
    # 2: what the scanner learns about a file besides its tags; analysis failures
    [
        "ALTER TABLE tracks ADD COLUMN format TEXT",
        "ALTER TABLE tracks ADD COLUMN has_cover INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE tracks ADD COLUMN tag_error TEXT",
        "ALTER TABLE tracks ADD COLUMN analysis_error TEXT",
        "ALTER TABLE tracks ADD COLUMN analysis_error_version INTEGER",
        "CREATE INDEX tracks_status ON tracks (status)",
    ]
)

MIGRATIONS.append(
    # 3: the play in progress, saved every few seconds so that a killed player loses almost nothing
    [
        """CREATE TABLE heartbeat (
    session_id TEXT PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks (id),
    started_at REAL NOT NULL,
    hour REAL NOT NULL CHECK (hour >= 0 AND hour < 24),
    listened_ms INTEGER NOT NULL CHECK (listened_ms >= 0),
    position_ms INTEGER NOT NULL CHECK (position_ms >= 0),
    duration_ms INTEGER NOT NULL,
    seeks_forward INTEGER NOT NULL DEFAULT 0,
    seeks_backward INTEGER NOT NULL DEFAULT 0,
    beat_at REAL NOT NULL
)""",
    ]
)

MIGRATIONS.append(
    # 4: the songs queued by hand, so that they survive a restart
    [
        """CREATE TABLE queue_pins (
    position INTEGER PRIMARY KEY CHECK (position >= 0),
    track_id INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE
)""",
    ]
)

MIGRATIONS.append(
    # 5: the disc number, and which tag reader stored a track's tags (an older one: read them again)
    [
        "ALTER TABLE tracks ADD COLUMN disc_number INTEGER",
        "ALTER TABLE tracks ADD COLUMN tags_version INTEGER NOT NULL DEFAULT 0",
    ]
)

SCHEMA_VERSION = len(MIGRATIONS)
