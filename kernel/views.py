"""Small pieces every page that calls a service needs (pages of every app use them)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect


def require_perm(user, perm: str, obj=None) -> None:
    """A record the user may see but not change: 403."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal shown beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_service_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def flash_form_errors(request, form) -> None:
    """A form posted from a page that does not show it again (a row's button, a bulk bar): one
    message per field, its errors joined in the reader's language."""
    from .wording import clause_separator

    for errors in form.errors.values():
        messages.error(request, clause_separator().join(errors))


def submit_form(request, form, action, *, done, then):
    """The POST half of a form page that calls a service.

    With a valid form, `action(cleaned_data)` runs the service; on success `done` (a message, or
    a function of the result) is flashed and the answer redirects to `then` (a URL, or a
    function of the result). Returns None when the page should be shown (again): a GET, an
    invalid form, or a service that refused — its reasons then stand beside their fields.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)
