"""PDF streams deflated at zlib's level 1 instead of pydyf's level 9.

pydyf 0.13 compresses every stream at level 9. A notice's largest streams are its two CJK font
subsets: weasyprint keeps their glyph IDs, so each holds an offset table for some 63,000 mostly
empty glyphs, and level 9 searches that regular data for matches it barely needs: about 18 ms of a
notice's ~105 ms of CPU. Level 1 writes the same PDF objects, deflated a little less tightly (about 2%
more bytes on the demo's notices), and every PDF reader inflates it the same way.

Only for the pydyf version this was read from: with another, pydyf keeps its own level.
"""

from __future__ import annotations

import logging
import threading
import zlib

logger = logging.getLogger(__name__)

STREAMS_FOR_VERSION = "0.13.0"
LEVEL = 1

_install_lock = threading.Lock()
_installed: bool | None = None
# pydyf's own Stream.data, kept when it is replaced.
_pydyf_data = None


def _data(self) -> bytes:
    """pydyf's Stream.data with the compression level set to LEVEL."""
    from pydyf import Dictionary, _to_bytes

    stream = b"\n".join(_to_bytes(item) for item in self.stream)
    extra = Dictionary(self.extra.copy())
    if self.compress:
        extra["Filter"] = "/FlateDecode"
        compressor = zlib.compressobj(level=LEVEL)
        stream = compressor.compress(stream) + compressor.flush()
    extra["Length"] = len(stream)
    return b"\n".join((extra.data, b"stream", stream, b"endstream"))


def use_fast_deflate() -> bool:
    """Installed once per process, for every PDF written in it; False where pydyf's version differs."""
    global _installed, _pydyf_data
    with _install_lock:
        if _installed is None:
            import pydyf

            _installed = pydyf.__version__ == STREAMS_FOR_VERSION
            if _installed:
                _pydyf_data = pydyf.Stream.data.fget
                pydyf.Stream.data = property(_data)
            else:
                logger.info("pydyf %s: streams are compressed at its own level.", pydyf.__version__)
        return _installed
