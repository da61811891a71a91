"""Font subsetting in one HarfBuzz pass instead of weasyprint's two, for the same bytes.

weasyprint 70 subsets each embedded font twice: once keeping the used glyphs at their glyph IDs,
then again over every glyph ID up to the last one used, to drop the empty glyphs after it and,
unless hinting is asked for, the hints. HarfBuzz's first pass already ends the font at the last
glyph used, so the second only drops the hints, which the first can do itself. With Noto Sans CJK
the second pass is the costly one: the Simplified Chinese glyphs sit near the end of the
collection's 65,535 (a notice uses IDs up to about 63,000), so it walks some 63,000 glyphs, about
15 ms of CPU per font, and a notice embeds two (regular and bold). The font it writes is byte for
byte the one the two passes write: tests/notices/test_notice_fonts.py compares them on the CJK font,
with and without hinting.

Only for the weasyprint version this was read from: with another, weasyprint keeps its own way.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)

SUBSET_FOR_VERSION = "70.0"
DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def subset_in_one_pass(font, to_unicode, hinting) -> None:
    """weasyprint's Font._harfbuzz_subset with both passes' flags given to the first one."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyphs = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    glyph_ids = ffi.new(f"hb_codepoint_t[{len(to_unicode)}]", sorted(to_unicode))
    harfbuzz.hb_set_add_sorted_array(glyphs, glyph_ids, len(to_unicode))

    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)

    dropped = harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = ffi.new(f"hb_codepoint_t[{len(DROP_TABLES)}]", [harfbuzz.hb_tag_from_string(tag, -1) for tag in DROP_TABLES])
    harfbuzz.hb_set_add_sorted_array(dropped, tags, len(DROP_TABLES))

    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input), harfbuzz.hb_face_destroy)
    data = get_hb_object_data(face) if face else None
    if data:
        font.file_content = data
    else:
        # weasyprint's own way, which logs its warning and leaves the font whole if this fails too.
        _weasyprint_subset(font, to_unicode, hinting)


_install_lock = threading.Lock()
_installed: bool | None = None
_weasyprint_subset = None  # weasyprint's own method: the fallback, and what the tests compare with


def use_one_pass_subsetting() -> bool:
    """Installed once per process, for every PDF weasyprint writes in it; False where the version differs."""
    global _installed, _weasyprint_subset
    with _install_lock:
        if _installed is None:
            import weasyprint
            from weasyprint.pdf.fonts import Font

            _installed = weasyprint.__version__ == SUBSET_FOR_VERSION
            if _installed:
                _weasyprint_subset = Font._harfbuzz_subset
                Font._harfbuzz_subset = subset_in_one_pass
            else:
                logger.info("weasyprint %s: fonts are subset its own way (two passes).", weasyprint.__version__)
        return _installed
