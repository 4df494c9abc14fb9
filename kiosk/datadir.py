"""The device's data directory: one place for the knowledge base, outbox, caches and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Only the kiosk's own user may read residents' queued submissions.
_PRIVATE_DIR_MODE = 0o700


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def kb_dir(self) -> Path:
        return self.root / "kb"

    @property
    def outbox_path(self) -> Path:
        return self.root / "outbox" / "outbox.sqlite"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def secrets_dir(self) -> Path:
        return self.root / "secrets"

    def ensure(self) -> DataDir:
        """Create the tree on first start with owner-only permissions."""
        for path in (
            self.root,
            self.kb_dir,
            self.outbox_path.parent,
            self.cache_dir,
            self.log_dir,
            self.secrets_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, _PRIVATE_DIR_MODE)
        return self
