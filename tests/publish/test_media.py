"""The media library with real images made by Pillow: metadata (EXIF with GPS, XMP, comments)
gone, EXIF orientation applied, resized, transparency kept, bad uploads refused, atomic writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from socialops.connectors.profiles import connect
from socialops.errors import PublishError
from socialops.publish import media, queue
from socialops.store.workspace import Workspace

_ORIENTATION = 0x0112
_GPS_IFD = 0x8825
_MAKE = 0x010F


def _photo_with_gps_and_rotation() -> bytes:
    """A 300×100 JPEG, left half red, stored sideways: orientation 6 (turn 90° clockwise to
    view), with camera make, GPS position and an XMP packet."""
    im = Image.new("RGB", (300, 100), "blue")
    im.paste((255, 0, 0), (0, 0, 150, 100))
    exif = Image.Exif()
    exif[_ORIENTATION] = 6
    exif[_MAKE] = "SecretCam"
    exif.get_ifd(_GPS_IFD).update({1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home address</x:xmpmeta>'
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes(), xmp=xmp, comment=b"owner: kim")
    return out.getvalue()


def test_gps_and_every_metadata_are_gone_and_the_orientation_applied(
    workspace: Workspace,
) -> None:
    data = _photo_with_gps_and_rotation()
    with Image.open(io.BytesIO(data)) as original:  # the test image does carry them
        assert original.getexif()[_ORIENTATION] == 6 and original.getexif().get_ifd(_GPS_IFD)
    for secret in (b"SecretCam", b"home address", b"owner: kim", b"Exif"):
        assert secret in data
    asset = media.add_media(workspace, "../../가족사진.jpg", data, alt="바다", actor="kim")
    assert asset.file_name == "가족사진.jpg" and asset.mime == "image/jpeg"
    path = media.media_file(workspace, asset.media_id)
    assert path.parent == workspace.root / "media" and path.suffix == ".jpg"
    raw = path.read_bytes()
    for secret in (b"SecretCam", b"home address", b"owner: kim", b"Exif"):
        assert secret not in raw
    with Image.open(path) as im:
        assert not im.getexif() and "xmp" not in im.info and "exif" not in im.info
        assert im.size == (100, 300) == (asset.width, asset.height)  # turned upright
        # orientation 6 turns the image clockwise: the left (red) half is now on top
        top, bottom = im.getpixel((50, 20)), im.getpixel((50, 280))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 200 and top[2] < 60 and bottom[2] > 200
    assert asset.bytes == len(raw) and asset.alt == "바다" and asset.created_by == "kim"


def test_large_images_are_resized_and_transparency_keeps_png(workspace: Workspace) -> None:
    big = io.BytesIO()
    Image.new("RGB", (5000, 2500), "green").save(big, "PNG")
    asset = media.add_media(workspace, "wide.png", big.getvalue())
    assert (asset.width, asset.height) == (2048, 1024) and asset.mime == "image/jpeg"
    clear = io.BytesIO()
    Image.new("RGBA", (64, 64), (255, 0, 0, 0)).save(clear, "PNG")
    logo = media.add_media(workspace, "logo.png", clear.getvalue())
    assert logo.mime == "image/png" and logo.path.endswith(".png")
    with Image.open(media.media_file(workspace, logo.media_id)) as im:
        assert im.mode == "RGBA" and im.getpixel((0, 0)) == (255, 0, 0, 0)


def test_the_same_upload_twice_is_one_asset_and_alt_text_can_change(
    workspace: Workspace,
) -> None:
    data = _photo_with_gps_and_rotation()
    first = media.add_media(workspace, "a.jpg", data)
    again = media.add_media(workspace, "b.jpg", data, alt="새 대체 텍스트")
    assert again.media_id == first.media_id and again.alt == "새 대체 텍스트"
    assert [m.media_id for m in media.list_media(workspace)] == [first.media_id]
    assert len(list((workspace.root / "media").iterdir())) == 1
    with pytest.raises(PublishError) as long:
        media.set_alt(workspace, first.media_id, "가" * (media.ALT_MAX + 1))
    assert long.value.code == "media.alt_too_long"


def test_not_images_bombs_and_huge_files_are_refused_and_nothing_is_left(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def code(name: str, data: bytes) -> str:
        with pytest.raises(PublishError) as err:
            media.add_media(workspace, name, data)
        return err.value.code

    assert code("note.jpg", b"this is not an image") == "media.not_image"
    good = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(good, "JPEG")
    assert code("cut.jpg", good.getvalue()[:200]) == "media.not_image"  # truncated
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert code("bomb.jpg", good.getvalue()) == "media.too_many_pixels"  # 1,600 pixels
    monkeypatch.setattr(media, "MAX_BYTES", 100)
    assert code("big.jpg", good.getvalue()) == "media.too_large"
    assert code("", good.getvalue()) == "media.empty_name"
    assert media.list_media(workspace) == []
    folder = workspace.root / "media"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_failed_write_leaves_no_half_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(data, "JPEG")
    real_replace = media.os.replace

    def crash(src: str, dst: Path) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(media.os, "replace", crash)
    with pytest.raises(OSError):
        media.add_media(workspace, "a.jpg", data.getvalue())
    assert list((workspace.root / "media").iterdir()) == []
    assert media.list_media(workspace) == []
    monkeypatch.setattr(media.os, "replace", real_replace)
    assert media.add_media(workspace, "a.jpg", data.getvalue()).width == 40


def test_library_media_go_with_a_post_and_unknown_ids_are_refused(
    workspace: Workspace,
) -> None:
    connect(
        workspace, name="인스타", platform="manual", settings={"platform": "instagram"}, secrets={}
    )
    data = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(data, "JPEG")
    asset = media.add_media(workspace, "a.jpg", data.getvalue(), alt="흰 사각형")
    [post] = queue.new_posts(
        workspace, profiles=["인스타"], text_="사진", media_ids=[asset.media_id]
    )[1]
    assert post.media == [
        {
            "path": str(media.media_file(workspace, asset.media_id)),
            "alt": "흰 사각형",
            "mime": "image/jpeg",
            "media_id": asset.media_id,
        }
    ]
    assert post.outgoing().media[0].alt == "흰 사각형"
    with pytest.raises(PublishError) as unknown:
        queue.new_posts(workspace, profiles=["인스타"], text_="사진", media_ids=["nope"])
    assert unknown.value.code == "media.unknown"


def test_a_video_is_kept_as_uploaded_by_its_first_bytes(workspace: Workspace) -> None:
    from socialops.publish.media import add_media, media_file

    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    asset = add_media(workspace, "launch.mp4", mp4, alt="출시 영상")
    assert asset.mime == "video/mp4" and media_file(workspace, asset.media_id).read_bytes() == mp4
    mov = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x01" * 32
    assert add_media(workspace, "clip.bin", mov).mime == "video/quicktime"
    with pytest.raises(PublishError):  # a name says nothing: bytes that are no video or image
        add_media(workspace, "fake.mp4", b"not a video at all" * 10)
