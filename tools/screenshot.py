"""A screenshot of the real player window, mid-playback, with the weight panel open.

Run on a virtual screen (``make screenshot`` starts Xvfb)::

    xvfb-run python tools/screenshot.py docs/screenshot.png

It scans the demo library in a temporary home (real analysis), plays a song,
skips it after a few seconds so the queue and the weights move, lets the next
song play, and grabs the whole X screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png").resolve()
    if not os.environ.get("DISPLAY"):
        print("screenshot: no X display; run it under xvfb-run (make screenshot)", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="skipwise-shot-"))
    os.environ["SKIPWISE_HOME"] = str(home)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app import theme
    from app.gui import open_player
    from engine.demo import install_demo
    from engine.paths import default_db_path

    app = QApplication([sys.argv[0]])
    theme.follow_system(app)
    player = open_player(default_db_path(), [install_demo()], mpris=False)
    window = player.window
    window.resize(1440, 900)
    window.move(0, 0)
    window.show()
    loop = QEventLoop()
    player.scan.finished.connect(lambda _r: loop.quit())
    loop.exec()
    c = player.controller
    steps = [(500, c.play), (4000, c.next), (3500, c.next), (5000, loop.quit)]
    at = 0
    for delay, action in steps:
        at += delay
        QTimer.singleShot(at, action)
    loop.exec()
    image = app.primaryScreen().grabWindow(0)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out), "PNG")
    print(f"saved {out} ({image.width()}x{image.height()})")
    player.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
