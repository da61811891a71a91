"""One archive PDF from many parts, each laid out by weasyprint with its own stylesheet.

The parts (the forms, the notices, the dossier's own pages, the documents) are rendered separately,
so each keeps its own CSS, and their pages are written as one document in the PDF/A-2b variant:
fonts embedded, colour profile and XMP metadata included. The parts' own page footers are switched
off; one footer runs over the whole dossier instead - the case number, page x/y and the case's
audit chain head - stamped on each page from a second weasyprint document of footers only (pypdf
merges each footer page onto its page; the fonts it brings are embedded subsets too).

Uploaded PDFs are rasterised page by page (poppler's pdftoppm) and embedded as images, like the
uploaded photos, rather than appended as they are: an uploaded PDF may carry fonts that are not
embedded, scripts, forms or transparency groups PDF/A forbids, and would make the whole dossier an
invalid archive file; its text is of no use in the archive, its picture is.
"""

from __future__ import annotations

import base64
import functools
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from aidflow.notices.pdf_fonts import use_one_pass_subsetting
from aidflow.notices.pdf_streams import use_fast_deflate
from aidflow.notices.rendering import CJK_FONT_FAMILY, NoticeFontMissing, cjk_font_available

PDF_VARIANT = "pdf/a-2b"
RASTER_DPI = 150
RASTER_TIMEOUT_SECONDS = 120
# The parts' own footers count their own pages: the dossier's footer replaces them.
NO_PART_FOOTERS = (
    "@page { @bottom-left { content: none !important; } @bottom-center { content: none !important; }"
    " @bottom-right { content: none !important; } }"
)


class RasteriserMissing(RuntimeError):
    """poppler's pdftoppm is not installed: an uploaded PDF cannot be put into the dossier."""


@functools.cache
def _css(template: str):
    from weasyprint import CSS

    return CSS(string=render_to_string(template, {"font_family": CJK_FONT_FAMILY}))


@functools.cache
def _no_part_footers():
    from weasyprint import CSS

    return CSS(string=NO_PART_FOOTERS)


def font_configuration():
    """One font map for all the parts of one dossier."""
    if not cjk_font_available():
        raise NoticeFontMissing(
            f"The font '{CJK_FONT_FAMILY}' is not installed, so a printed document would show empty boxes. "
            "Install the Debian package fonts-noto-cjk (scripts/run.sh does this when run as root)."
        )
    from weasyprint.text.fonts import FontConfiguration

    use_one_pass_subsetting()
    use_fast_deflate()
    return FontConfiguration()


def part(html: str, *, stylesheet: str, fonts):
    """One part laid out (a weasyprint Document), its own footers off."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[_css(stylesheet), _no_part_footers()], font_config=fonts
    )


def data_uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64," + base64.b64encode(data).decode("ascii")


def pdf_page_images(data: bytes) -> list[bytes]:
    """Each page of an uploaded PDF as a JPEG at RASTER_DPI."""
    if shutil.which("pdftoppm") is None:
        raise RasteriserMissing("pdftoppm is not installed: install the Debian package poppler-utils.")
    with tempfile.TemporaryDirectory(prefix="aidflow-dossier-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        command = ["pdftoppm", "-jpeg", "-jpegopt", "quality=85", "-r", str(RASTER_DPI)]
        subprocess.run(  # noqa: S603 - a fixed program on a file of our own naming
            [*command, str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=RASTER_TIMEOUT_SECONDS,
        )
        return [path.read_bytes() for path in sorted(Path(folder).glob("page-*.jpg"), key=_page_number)]


def _page_number(path: Path) -> int:
    return int(path.stem.rpartition("-")[2])


def _footer_html(*, number: str, chain_head: str, pages: int) -> str:
    return render_to_string(
        "archive/footer.html",
        {"number": number, "chain_head": chain_head, "pages": range(pages), "font_family": CJK_FONT_FAMILY},
    )


def assemble(documents: list, *, number: str, chain_head: str, fonts, title: str) -> bytes:
    """The parts' pages as one PDF/A document, each page stamped with the dossier's footer."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    pages = [page for document in documents for page in document.pages]
    whole = documents[0].copy(pages)
    whole.metadata.title = title
    body = whole.write_pdf(pdf_variant=PDF_VARIANT)
    footers = HTML(string=_footer_html(number=number, chain_head=chain_head, pages=len(pages))).write_pdf(
        font_config=fonts
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    footer_pages = PdfReader(io.BytesIO(footers)).pages
    if len(footer_pages) != len(writer.pages):
        raise RuntimeError(f"footer pages {len(footer_pages)} != dossier pages {len(writer.pages)}")
    for page, footer in zip(writer.pages, footer_pages, strict=True):
        page.merge_page(footer)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
