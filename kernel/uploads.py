"""Uploaded documents are checked by their content, never by their name, and served only
through views that check permissions (never from a public media URL)."""

from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.wording import lazy_format, list_separator

from .limits import MAX_DOCUMENT_BYTES

# kind -> (magic prefixes, Chinese name, extension shown in messages)
_SIGNATURES = {
    "pdf": ((b"%PDF-",), "PDF"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "PNG"),
    "jpeg": ((b"\xff\xd8\xff",), "JPEG"),
    "xlsx": ((b"PK\x03\x04",), "Excel（.xlsx）"),
}
DOCUMENT_KINDS = ("pdf", "png", "jpeg")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# kind -> the extensions a file of it is stored under (the first when its own is another).
EXTENSIONS = {
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "xlsx": (".xlsx",),
}


def name_for_kind(name: str, kind: str) -> str:
    """`报告.html` holding a PDF → `报告.pdf`: a file is stored and served under the extension of
    what it is, never of what its name claims."""
    path = PurePosixPath(name or "upload")
    if path.suffix.lower() in EXTENSIONS[kind]:
        return path.name
    return f"{path.stem or 'upload'}{EXTENSIONS[kind][0]}"


def rename_for_kind(uploaded, kind: str) -> None:
    if isinstance(uploaded, UploadedFile):
        uploaded.name = name_for_kind(uploaded.name, kind)


def sniff_kind(uploaded) -> str | None:
    """What the file really is, from its first bytes."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for kind, (prefixes, _name) in _SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return kind
    return None


def validate_document(uploaded, *, kinds=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES) -> str:
    """Refuse empty, oversized, or wrong-type files; returns the detected kind, and renames the
    upload to the extension of that kind."""
    if uploaded.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("文件大小为 %(size).1f MB，超过 %(limit)d MB 的上限。")
            % {"size": uploaded.size / 2**20, "limit": max_bytes // 2**20},
            code="too_large",
        )
    kind = sniff_kind(uploaded)
    if kind not in kinds:
        allowed = list_separator().join(_SIGNATURES[k][1] for k in kinds)
        raise ValidationError(
            _("文件内容不是允许的类型（%(allowed)s）。请勿仅修改文件扩展名。")
            % {"allowed": allowed},
            code="bad_type",
        )
    rename_for_kind(uploaded, kind)
    return kind


class StoredFileInput(forms.ClearableFileInput):
    """A stored document shown by its file name, linked to the permission-checked view that serves
    it (`download_url`, set by the form), never by its storage path or a /media/ address."""

    template_name = "forms/widgets/stored_file.html"
    download_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["file_name"] = value.name.rsplit("/", 1)[-1]
            context["widget"]["download_url"] = self.download_url
        return context


class DocumentField(forms.FileField):
    """A form field for PDF and image uploads, checked by content and size."""

    widget = StoredFileInput
    default_help = gettext_lazy("PDF 或图片（PNG、JPEG），不超过 %(mb)d MB。")

    def __init__(self, *args, kinds=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES, **kwargs):
        self.kinds = kinds
        self.max_bytes = max_bytes
        kwargs.setdefault("help_text", lazy_format(self.default_help, mb=max_bytes // 2**20))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.png,.jpg,.jpeg,application/pdf,image/*")

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and uploaded is not initial and hasattr(uploaded, "size"):
            validate_document(uploaded, kinds=self.kinds, max_bytes=self.max_bytes)
        return uploaded


def protected_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """Serve a stored file after the view has checked permission; type from content."""
    handle = field_file.open("rb")
    kind = sniff_kind(handle)
    name = download_name or field_file.name.rsplit("/", 1)[-1]
    return FileResponse(
        handle,
        as_attachment=kind not in ("pdf", "png", "jpeg"),
        filename=name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
