"""The one normalised form of an email address: every lookup and every per-address limit use it."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

# Every ASCII and C1 control character (tabs and line breaks too): none belongs in an address, and
# each one kept would make a fresh spelling of the same account for the limits to count apart.
_IGNORED = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def split_address(raw: str) -> tuple[str, str]:
    """(the address as typed with its domain lower-cased, its key); EmailNotValidError when it is none.

    The key ignores case in the whole address (contract: two registrations with such addresses are
    one person), surrounding spaces and control characters.
    """
    checked = validate_email(_IGNORED.sub("", raw).strip(), check_deliverability=False)
    address = f"{checked.local_part}@{checked.domain.lower()}"
    return address, address.lower()


def email_key(raw: str) -> str:
    """The key of an address: what accounts and registrations are looked up by and limits are counted on.

    Text that is not an address still gets one key for all its spellings (case, spaces, controls).
    """
    try:
        return split_address(raw)[1]
    except EmailNotValidError:
        return _IGNORED.sub("", raw).strip().lower()
