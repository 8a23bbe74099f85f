"""What the portal accepts at most, in one place: forms, serializers, importers, model validators,
the request guard and settings all read these numbers (README, "Hardening")."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

# --- Text ---------------------------------------------------------------------------------------
# Multi-line text (summaries, descriptions, notes) without a length of its own: at most this many
# characters (a summary of 5,000 characters is three printed pages).
LONG_TEXT_MAX_CHARS = 5000

# --- Dates --------------------------------------------------------------------------------------
# No record of the portal is older than the People's Republic; nothing is planned further ahead
# than ten years (deadlines, due dates, registration closing dates).
EARLIEST_DATE = date(1949, 1, 1)
MAX_YEARS_AHEAD = 10

# --- Money --------------------------------------------------------------------------------------
# One amount (a contribution, a contract, an investment, a budget): at most 1,000亿元.
MAX_AMOUNT_YUAN = Decimal("100000000000")

# --- Uploads and request bodies ----------------------------------------------------------------
MAX_DOCUMENT_BYTES = 20 * 2**20  # a PDF or image
MAX_WORKBOOK_BYTES = 10 * 2**20  # an .xlsx to import
# A request without files (a form, a JSON body): refused beyond this before it is read.
MAX_FORM_BYTES = 2 * 2**20
# A request with files: the largest document plus the form around it.
MAX_UPLOAD_REQUEST_BYTES = MAX_DOCUMENT_BYTES + 2**20
# An upload larger than this goes to a temporary file instead of memory.
UPLOAD_IN_MEMORY_BYTES = 2 * 2**20
# Nesting of a JSON body ({"a": [[…]]}): deeper is refused before it is parsed.
MAX_JSON_DEPTH = 20


def latest_date() -> date:
    """The last date a form, the API or an import accepts (today + MAX_YEARS_AHEAD years)."""
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28) + timedelta(days=1)


# A bulk action (ticked rows, one confirm) handles at most this many rows per request.
BULK_MAX_ROWS = 200
# A report on demand for a longer period than this runs as a background job (towns.jobs).
REPORT_INLINE_MAX_DAYS = 92
# An Excel import of more rows than this is confirmed as a background job.
IMPORT_INLINE_MAX_ROWS = 2000
