"""MPRIS2 on the D-Bus session bus, so media keys and desktop widgets drive the player."""
