"""The Gradio app: `components` (upload and slider components), `common` (temporary files,
export, messages), one module per tab (`waterfall`, `inbetween`, `text`, `birds`) and `demo`
(the Blocks). Every tab calls the `animators` layer through `animators.cached`.

Importing this package makes the server process's folder for temporary files and points
GRADIO_TEMP_DIR at it. gradio reads that variable when it is imported, and Python runs this file
before any module of the package, so it comes before every module here that imports gradio.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# One folder per server process for every temporary file (uploads, Gradio's cache, outputs),
# removed when the process exits; two servers on one machine never share it.
WORK_DIR = Path(tempfile.mkdtemp(prefix="animate-app-"))
os.environ.setdefault("GRADIO_TEMP_DIR", str(WORK_DIR / "gradio"))


@atexit.register
def _clean_work_dir() -> None:
    shutil.rmtree(WORK_DIR, ignore_errors=True)
