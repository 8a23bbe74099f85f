"""What every request and every input goes through before a view sees it (README, "Hardening").

- `RequestGuardMiddleware`: a NUL byte in the address is a 404 (PostgreSQL refuses NUL in a
  query: it was a 500), in the query string a 400; a body larger than kernel/limits.py allows is a
  413, answered from its Content-Length before a byte of it is read.
- `DepthLimitedJSONParser`: the API's JSON parser; a body nested deeper than MAX_JSON_DEPTH is a
  400 before it is parsed (5,000 levels were a RecursionError, a 500).
- `install_input_cleaning()` (from TownsConfig.ready): every text field of every Django form and
  every DRF serializer drops control characters (tab and line breaks stay in multi-line text) and
  holds text without a length of its own to LONG_TEXT_MAX_CHARS; every date field refuses dates
  outside EARLIEST_DATE … today + MAX_YEARS_AHEAD years. One place instead of a base class that
  each of the portal's forms and serializers (and django-filter's and the admin's) would need.
"""

import io
import re

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from . import limits
from .validators import long_text_error, strip_control_characters, validate_date_range

# --- Requests -----------------------------------------------------------------------------------


def _too_large(request, limit: int) -> HttpResponse:
    message = _("提交的内容过大（上限 %(mb)s MB），已拒绝。请压缩或拆分文件后重新上传。") % {
        "mb": f"{limit / 2**20:g}"
    }
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = limits.MAX_UPLOAD_REQUEST_BYTES if multipart else limits.MAX_FORM_BYTES
        if length > limit:
            return _too_large(request, limit)
        if "%00" in request.META.get("QUERY_STRING", "") and any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest("NUL in the query string")
        return self.get_response(request)


# --- JSON ---------------------------------------------------------------------------------------

# A string, to its closing quote or, if it has none, to the end: matched once from each opening
# quote, without backtracking (a body of 2 MB is cleared of strings in milliseconds).
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
# Every byte but a bracket goes; `{}` count as `[]`.
_AS_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects deeper than `limit`, found without parsing
    and without a loop in Python over the body: brackets inside strings do not count (UTF-8 never
    has an ASCII byte inside a character); each round takes away the innermost pairs, so a text
    that still has a pair after `limit` rounds is deeper. Unbalanced text is left to the parser."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(_AS_SQUARE, _NOT_BRACKETS)
    for _round in range(limit):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return False
    return b"[]" in brackets


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than limits.MAX_JSON_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if json_depth_exceeds(raw, limits.MAX_JSON_DEPTH):
            raise ParseError(_("JSON 嵌套超过 %(n)d 层，已拒绝。") % {"n": limits.MAX_JSON_DEPTH})
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:  # deep and unbalanced: `[[[[…` without an end
            raise ParseError(_("JSON 嵌套过深，已拒绝。")) from exc


# --- Form and serializer fields -----------------------------------------------------------------


def _clean_text(value: str, *, multiline: bool, strip: bool, max_length, hidden: bool) -> str:
    text = strip_control_characters(value, multiline=multiline)
    if strip:
        text = text.strip()
    if max_length is None and not hidden and len(text) > limits.LONG_TEXT_MAX_CHARS:
        raise long_text_error(text)
    return text


def _form_char_to_python(original):
    def to_python(self, value):
        value = original(self, value)
        if not isinstance(value, str) or not value or isinstance(self.widget, forms.PasswordInput):
            return value
        value = _clean_text(
            value,
            multiline=isinstance(self.widget, forms.Textarea),
            strip=self.strip,
            max_length=self.max_length,
            hidden=isinstance(self.widget, forms.HiddenInput),
        )
        return value or self.empty_value

    return to_python


def _form_date_to_python(original):
    def to_python(self, value):
        value = original(self, value)
        validate_date_range(value)
        return value

    return to_python


def _drf_char_to_internal_value(original):
    def to_internal_value(self, data):
        value = original(self, data)
        if self.style.get("input_type") == "password":
            return value
        try:
            value = _clean_text(
                value,
                multiline=self.style.get("base_template") == "textarea.html",
                strip=self.trim_whitespace,
                max_length=self.max_length,
                hidden=False,
            )
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        if not value and not self.allow_blank:
            self.fail("blank")
        return value

    return to_internal_value


def _drf_date_to_internal_value(original):
    def to_internal_value(self, data):
        value = original(self, data)
        try:
            validate_date_range(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value

    return to_internal_value


def install_input_cleaning() -> None:
    """Wrap the text and date fields of Django forms and DRF once (subclasses inherit it)."""
    patches = [
        (forms.CharField, "to_python", _form_char_to_python),
        (forms.DateField, "to_python", _form_date_to_python),
        (serializers.CharField, "to_internal_value", _drf_char_to_internal_value),
        (serializers.DateField, "to_internal_value", _drf_date_to_internal_value),
    ]
    for cls, name, wrap in patches:
        original = cls.__dict__[name]
        if getattr(original, "portal_hardened", False):
            continue
        wrapped = wrap(original)
        wrapped.portal_hardened = True
        setattr(cls, name, wrapped)
