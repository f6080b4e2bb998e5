"""Secret keys from the settings, or made once and kept under the data directory."""

import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from complaints.settings import check_secret

log = logging.getLogger(__name__)


def secret_bytes(configured: SecretStr | None, *, data_dir: Path, name: str) -> bytes:
    """The configured secret; else one generated on first use in data_dir/secrets/NAME.

    Every process sharing the data directory (what `complaints up` starts) reads the same
    file; machines that share only the database must be given the secret in the environment.
    """
    if configured is not None:
        return check_secret(configured.get_secret_value(), variable=name).encode()
    path = data_dir / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(32) + "\n")
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: a reader never sees a half-written key
            log.warning("no %s configured: generated one in %s", name, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip().encode()
