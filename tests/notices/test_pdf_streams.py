"""A notice's PDF deflated at level 1 holds the very streams pydyf's level 9 writes, and its QR code
(one fixed mask pattern) reads back as the notice's verification address with a decoder nobody here
wrote (zxing-cpp) from the page as pdftoppm draws it."""

import re
import shutil
import subprocess
import zlib

import pydyf
import pytest
from PIL import Image

from aidflow.notices import pdf_streams, rendering
from aidflow.notices.models import Notice
from tests.factories import ApplicationFactory, advance

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not rendering.cjk_font_available(), reason="needs fonts-noto-cjk"),
]
STREAM = re.compile(rb"<<([^>]*/Filter /FlateDecode[^>]*)>>\nstream\n(.*?)\nendstream", re.S)


def inflated_streams(pdf: bytes) -> list[bytes]:
    """Every deflated stream but the cross-reference stream, whose byte offsets move with the others'
    compressed lengths."""
    return sorted(zlib.decompress(raw) for head, raw in STREAM.findall(pdf) if b"/XRef" not in head)


@pytest.fixture
def notice(policy, clerk, reviewer, approver, django_capture_on_commit_callbacks):
    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    return Notice.objects.get(application=application)


def test_level_one_writes_the_streams_level_nine_writes(notice, monkeypatch):
    assert pdf_streams.use_fast_deflate()
    fast = rendering.render_pdf(notice)
    # pydyf's own Stream.data, as it ships, for the same notice.
    original = pydyf.Stream.__dict__["data"]
    monkeypatch.setattr(pydyf.Stream, "data", property(pdf_streams._pydyf_data))
    slow = rendering.render_pdf(notice)
    monkeypatch.setattr(pydyf.Stream, "data", original)
    streams = inflated_streams(fast)
    assert len(streams) > 5
    assert streams == inflated_streams(slow)
    # The same objects in about the same bytes: the fonts dominate both.
    assert len(fast) < len(slow) * 1.1


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_the_qr_code_reads_back_as_the_verification_address(notice, tmp_path):
    import zxingcpp

    (tmp_path / "notice.pdf").write_bytes(rendering.render_pdf(notice))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "notice.pdf"), str(tmp_path / "page")],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [code.text for code in found] == [rendering.verification_url(notice.verification_code)]
