"""Where things live when the app runs as a server: the analysis it shows, the data folders a
browser user may read from, and the work folder uploads go to.

A browser user never names an arbitrary server path: folder paths typed in the app are resolved
inside the configured data folders (symlinks followed, then checked), or refused.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import NewsprismError

ENV_ANALYSIS = "NEWSPRISM_ANALYSIS"
ENV_DATA_DIRS = "NEWSPRISM_DATA_DIRS"
ENV_HOME = "NEWSPRISM_HOME"


def home() -> Path:
    """newsprism's own folder: $NEWSPRISM_HOME or ~/.local/share/newsprism."""
    env = os.environ.get(ENV_HOME)
    return Path(env) if env else Path.home() / ".local" / "share" / "newsprism"


def analysis_dir_for(corpus: Path) -> Path:
    """The work folder that holds the analysis of a corpus folder or file."""
    resolved = corpus.resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:8]
    return home() / "analyses" / f"{resolved.stem or 'corpus'}-{digest}"


@dataclass(frozen=True)
class Workspace:
    """The app's configuration, read from the environment `newsprism app` sets."""

    analysis: Path
    data_dirs: tuple[Path, ...]

    @classmethod
    def from_env(cls) -> Workspace:
        analysis = Path(os.environ.get(ENV_ANALYSIS) or home() / "analyses" / "default")
        dirs = tuple(
            Path(p).resolve() for p in os.environ.get(ENV_DATA_DIRS, "").split(os.pathsep) if p
        )
        return cls(analysis=analysis, data_dirs=dirs)

    @property
    def uploads(self) -> Path:
        """Uploaded files are kept here, inside the analysis folder, and nowhere else."""
        return self.analysis / "uploads"

    def resolve_data_path(self, typed: str) -> Path:
        """A path typed by a browser user, resolved inside one of the data folders, or refused."""
        typed = typed.strip()
        if not typed:
            raise NewsprismError("folder", "type a folder inside the data folders")
        if not self.data_dirs:
            raise NewsprismError(
                typed, "no data folders are configured for this server (--data-dir)"
            )
        candidate = Path(typed)
        tries = [candidate] if candidate.is_absolute() else [d / candidate for d in self.data_dirs]
        for path in tries:
            real = path.resolve()
            if any(real == d or d in real.parents for d in self.data_dirs):
                if real.exists():
                    return real
                raise NewsprismError(typed, "no such file or folder in the data folders")
        raise NewsprismError(typed, "outside the data folders this server may read")
