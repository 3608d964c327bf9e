"""Settings: saved atomically, read back, and a broken file is set aside, never silently overwritten."""

from __future__ import annotations

from pathlib import Path

from engine.settings import Settings, load_settings, save_settings, settings_path


def test_round_trip_in_the_config_dir(skipwise_home: Path) -> None:
    s = Settings(music_folders=["/music", "/more music"], volume=0.3, exploration=0.5, window="abc|def")
    save_settings(s)
    assert settings_path() == skipwise_home / "config" / "settings.json"
    assert load_settings() == s
    assert load_settings(skipwise_home / "nowhere.json") == Settings(), "no file: defaults"


def test_a_broken_file_is_reported_and_kept_aside(skipwise_home: Path) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"music_folders": "not a list"')
    s = load_settings()
    assert s.music_folders == [] and s.problem is not None and "kept as settings.json.broken" in s.problem
    assert (path.parent / "settings.json.broken").read_text() == '{"music_folders": "not a list"'
    path.write_text('{"music_folders": ["/m"], "volume": 7}')
    s = load_settings()
    assert "volume must be in [0, 1]" in (s.problem or "") and s.volume == Settings().volume


def test_exploration_follows_the_default_unless_chosen(skipwise_home: Path) -> None:
    """Earlier versions wrote their default (0.3) into every file; that is no choice, so it is dropped."""
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"music_folders": ["/m"], "volume": 0.5, "exploration": 0.3}')
    s = load_settings()
    assert s.exploration is None and s.problem is None
    save_settings(s)
    assert "exploration" not in path.read_text(), "the default is not written down"
    path.write_text('{"exploration": 0.7}')
    assert load_settings().exploration == 0.7, "a value someone chose stays"
    path.write_text('{"exploration": 9}')
    assert "exploration must be in [0, 5]" in (load_settings().problem or "")


def test_resuming_the_last_song_is_on_unless_turned_off(skipwise_home: Path) -> None:
    assert Settings().resume_last_song is True
    save_settings(Settings(resume_last_song=False))
    assert '"resume_last_song": false' in settings_path().read_text()
    assert load_settings().resume_last_song is False
    settings_path().write_text('{"music_folders": []}')  # a file from before the setting existed
    assert load_settings().resume_last_song is True
    settings_path().write_text('{"resume_last_song": "no"}')
    s = load_settings()
    assert "resume_last_song must be true or false" in (s.problem or "") and s.resume_last_song is True
