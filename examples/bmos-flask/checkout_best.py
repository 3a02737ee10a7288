"""A small client for checkout-best's internal API, as a platform (BMOS) uses it.

Every call carries the shared secret in ``X-Internal-Secret``; the secret comes from the
``CHECKOUT_BEST_SECRET`` environment variable and never appears in a log line or a page.
"""

import hashlib
import hmac
import time
from urllib.parse import urlencode

import requests


class CheckoutBestError(Exception):
    """An error answer from checkout-best: ``{"error": {"code", "message"}}`` plus the HTTP status."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class CheckoutBest:
    """Talks to one checkout-best server with one internal secret."""

    def __init__(self, base_url, secret, timeout=10):
        if not secret:
            raise ValueError("CHECKOUT_BEST_SECRET is not set")
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self._http = requests.Session()
        self._timeout = timeout

    def _request(self, method, path, json=None, params=None):
        answer = self._http.request(
            method,
            self.base_url + path,
            json=json,
            params=params,
            headers={"X-Internal-Secret": self._secret},
            timeout=self._timeout,
        )
        if answer.status_code >= 400:
            try:
                error = answer.json()["error"]
                raise CheckoutBestError(answer.status_code, error["code"], error["message"])
            except (ValueError, KeyError, TypeError):
                raise CheckoutBestError(answer.status_code, "http_error", answer.text[:200])
        return answer.json() if answer.content else None

    def create_store(self, name, allowed_origins=(), default_currency="usd", store_id=None):
        """Creates a store; BMOS passes its own id so both sides share ``checkout_best_store_id``."""
        body = {"name": name, "allowed_origins": list(allowed_origins), "default_currency": default_currency}
        if store_id:
            body["id"] = store_id
        return self._request("POST", "/api/internal/stores", json=body)

    def update_store(self, store_id, **fields):
        """Changes a store's name, allowed_origins or default_currency."""
        return self._request("PATCH", f"/api/internal/stores/{store_id}", json=fields)

    def sync_catalog(self, store_id, products):
        """Upserts the whole catalog; prices are integer minor units (1250 = $12.50)."""
        return self._request("PUT", f"/api/internal/stores/{store_id}/products", json={"products": products})

    def connect_link(self, store_id, return_url=None, ttl_seconds=None):
        """Asks the server for a signed, single-use link to the key entry form: ``{url, expires_at}``."""
        body = {}
        if return_url:
            body["return_url"] = return_url
        if ttl_seconds:
            body["ttl_seconds"] = ttl_seconds
        return self._request("POST", f"/api/internal/stores/{store_id}/connect-link", json=body)

    def stripe_status(self, store_id):
        """Whether the store can take payments now, and with which account and mode."""
        return self._request("GET", f"/api/internal/stores/{store_id}/stripe-status")

    def orders(self, store_id, limit=20):
        """The store's orders, newest first."""
        return self._request("GET", f"/api/internal/stores/{store_id}/orders", params={"limit": limit})

    def disconnect(self, store_id):
        """Removes the store's Stripe keys; it stops taking payments until the merchant connects again."""
        return self._request("DELETE", f"/api/internal/stores/{store_id}/stripe")


def canonical_connect_string(store_id, return_url, expires):
    """The exact string checkout-best signs (see README, "Signing connect links yourself")."""
    return f"checkout-best-connect-v1\n{store_id}\n{return_url}\n{expires}"


def sign_connect_link(base_url, secret, store_id, return_url="", ttl_seconds=1800, now=None):
    """Builds a signed connect link locally, without a round trip to the server.

    The signature is the lowercase hex HMAC-SHA256 of the canonical string under the internal secret.
    The server checks it, the expiry, and that the link was not used before.
    """
    expires = int(now if now is not None else time.time()) + int(ttl_seconds)
    message = canonical_connect_string(store_id, return_url, expires).encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    query = {"store_id": store_id}
    if return_url:
        query["return_url"] = return_url
    query.update({"expires": str(expires), "signature": signature})
    return f"{base_url.rstrip('/')}/stripe/connect?{urlencode(query)}"
