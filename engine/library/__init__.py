"""Finding music files, reading their tags, and keeping the tracks table in step."""
