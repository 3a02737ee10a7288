"""Verifying checkout-best's webhooks by hand (Standard Webhooks, standardwebhooks.com) with the standard library.

The signature is base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}")), the key being the
base64-decoded part of the ``whsec_`` secret after the prefix; ``webhook-signature`` holds one or, during a
secret rotation, two ``v1,<signature>`` entries separated by spaces.
"""

import base64
import hashlib
import hmac
import time

TOLERANCE_SECONDS = 5 * 60  # older or newer deliveries are refused: a replay, or a badly wrong clock


def verify_webhook(secret, headers, body, now=None):
    """True when ``body`` (the raw bytes) carries a valid signature under ``secret`` and a fresh timestamp."""
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not msg_id or not timestamp.isdigit() or not signatures:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    # compare_digest: constant time, so an attacker learns nothing from how long a wrong guess takes.
    return any(hmac.compare_digest(expected.encode(), s.encode()) for s in signatures.split(" "))
