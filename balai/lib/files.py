"""Questions about files on this machine that the deployment checks ask, without Django."""

from __future__ import annotations

import stat
from pathlib import Path


def closed_to_others(path: Path) -> Path | None:
    """The first directory on the way to `path` that a user outside its owner and group cannot pass, or None.

    A web server such as nginx runs as its own user (www-data), so it can read a file only when every directory
    from / down to it is searchable by "others" (o+x) and the last one is also listable (o+r). Only the parts
    that exist are judged: a directory still to be created gets the mode its creator gives it. The modes are
    read with os.stat rather than tested with os.access, which would answer for the current user (often root).
    """
    path = Path(path).absolute()
    for part in [*reversed(path.parents), path]:
        try:
            mode = part.stat().st_mode
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(mode):
            return None
        needed = stat.S_IXOTH | (stat.S_IROTH if part == path else 0)
        if mode & needed != needed:
            return part
    return None
