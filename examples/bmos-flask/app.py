"""BMOS (BuildMyOnlineStore) dashboard: the seed's Flask integration with checkout-best, made real.

A website builder keeps its own stores and products. For payments it creates a matching store in
checkout-best, syncs the catalog there, sends the merchant to checkout-best's signed connect form
("Connect Payments") and asks checkout-best whether the store can take payments.

Run it:  CHECKOUT_BEST_URL=http://127.0.0.1:3000 CHECKOUT_BEST_SECRET=... python3 examples/bmos-flask/app.py
"""

import json
import os
import re
import sys
import threading
import uuid
from decimal import Decimal, InvalidOperation

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for

from checkout_best import CheckoutBest, CheckoutBestError, sign_connect_link
from webhooks import verify_webhook


class StoreBook:
    """BMOS's own records (a JSON file here; a real platform has its database)."""

    def __init__(self, path):
        self._path = path
        self._lock = threading.Lock()
        self._stores = {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self._stores = json.load(f)

    def all(self):
        return list(self._stores.values())

    def get(self, store_id):
        store = self._stores.get(store_id)
        if store is None:
            abort(404)
        return store

    def save(self, store):
        with self._lock:
            self._stores[store["id"]] = store
            if self._path:
                os.makedirs(os.path.dirname(os.path.abspath(self._path)), exist_ok=True)
                with open(self._path, "w", encoding="utf-8") as f:
                    json.dump(self._stores, f, indent=2)


def to_minor_units(price):
    """'12.50' -> 1250; prices are kept as integer cents everywhere money moves."""
    try:
        amount = (Decimal(price.strip()) * 100).quantize(Decimal("1"))
    except (InvalidOperation, AttributeError):
        return None
    return int(amount) if amount > 0 else None


def slugify(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "product"


def create_app(checkout_best_url, secret, data_path=None, webhook_secret=None):
    """Builds the dashboard app; tests call this, ``main()`` serves it.

    With ``webhook_secret`` (our endpoint's ``whsec_…`` at checkout-best) store pages show the orders
    checkout-best pushes to ``POST /checkout-best/events`` instead of polling for them.
    """
    app = Flask(__name__)
    pushed = {}  # checkout-best store id -> orders, newest first
    seen = set()  # event ids already handled: a delivery may come twice
    pushed_lock = threading.Lock()
    app.config["CHECKOUT_BEST_URL"] = checkout_best_url.rstrip("/")
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    client = CheckoutBest(checkout_best_url, secret)
    book = StoreBook(data_path)

    def wants_json():
        return request.accept_mimetypes.best == "application/json"

    @app.errorhandler(CheckoutBestError)
    def checkout_best_failed(err):
        # The message is checkout-best's own, written to be safe to show; it never holds key material.
        if wants_json():
            return jsonify(error={"code": err.code, "message": err.message}), 502
        return render_template("error.html", error=err), 502

    def recent_orders(store):
        if webhook_secret:
            return list(pushed.get(store["checkout_best_store_id"], []))
        # Orders are a nice-to-have on this page; a failure here must not hide the payments status.
        try:
            page = client.orders(store["checkout_best_store_id"], limit=10)
        except CheckoutBestError:
            return []
        return page.get("data", []) if isinstance(page, dict) else []

    @app.get("/")
    def dashboard():
        return render_template("dashboard.html", stores=book.all())

    @app.post("/stores")
    def create_store():
        name = request.form.get("name", "").strip()
        if not name:
            abort(400, "A store needs a name")
        origins = [o.strip() for o in request.form.get("allowed_origins", "").split() if o.strip()]
        currency = request.form.get("currency", "usd").strip().lower() or "usd"
        store_id = str(uuid.uuid4())
        # Pass our id so both systems know the store by the same checkout_best_store_id.
        created = client.create_store(name, origins, currency, store_id=store_id)
        book.save({"id": store_id, "name": name, "checkout_best_store_id": created["id"],
                   "currency": currency, "allowed_origins": origins, "products": []})
        return redirect(url_for("store_page", store_id=store_id), code=303)

    @app.get("/stores/<store_id>")
    def store_page(store_id):
        store = book.get(store_id)
        status = client.stripe_status(store["checkout_best_store_id"])
        return render_template("store.html", store=store, status=status, orders=recent_orders(store),
                               checkout_best_url=app.config["CHECKOUT_BEST_URL"],
                               just_connected=request.args.get("connected") == "1")

    @app.post("/stores/<store_id>/products")
    def add_product(store_id):
        store = book.get(store_id)
        name = request.form.get("name", "").strip()
        amount = to_minor_units(request.form.get("price", ""))
        if not name or amount is None:
            abort(400, "A product needs a name and a price above zero, like 12.50")
        product = {"id": request.form.get("id", "").strip() or slugify(name), "name": name,
                   "description": request.form.get("description", "").strip() or None,
                   "unit_amount": amount, "currency": store["currency"], "active": True}
        store["products"] = [p for p in store["products"] if p["id"] != product["id"]] + [product]
        book.save(store)
        return redirect(url_for("store_page", store_id=store_id), code=303)

    @app.post("/stores/<store_id>/sync-catalog")
    def sync_catalog(store_id):
        store = book.get(store_id)
        products = [{k: v for k, v in p.items() if v is not None} for p in store["products"]]
        client.sync_catalog(store["checkout_best_store_id"], products)
        if wants_json():
            return jsonify(synced=len(products))
        return redirect(url_for("store_page", store_id=store_id), code=303)

    @app.get("/stores/<store_id>/connect-payments")
    def connect_payments(store_id):
        """The "Connect Payments" button: send the merchant to a fresh signed link, never a bare store id."""
        store = book.get(store_id)
        back = url_for("store_page", store_id=store_id, connected="1", _external=True)
        cb_id = store["checkout_best_store_id"]
        if request.args.get("signer") == "local":
            url = sign_connect_link(app.config["CHECKOUT_BEST_URL"], secret, cb_id, back)
        else:
            url = client.connect_link(cb_id, return_url=back)["url"]
        return redirect(url, code=303)

    @app.get("/api/stores/<store_id>/payments-status")
    def payments_status(store_id):
        """BMOS's own JSON for its front end: checkout-best's status of this store."""
        store = book.get(store_id)
        return jsonify(client.stripe_status(store["checkout_best_store_id"]))

    @app.post("/checkout-best/events")
    def checkout_best_event():
        """checkout-best's events: verified on the raw body before parsing, answered at once."""
        body = request.get_data(cache=False)
        if not webhook_secret or not verify_webhook(webhook_secret, request.headers, body):
            return jsonify(error={"code": "bad_signature", "message": "Signature missing, wrong or too old"}), 400
        event = json.loads(body)
        with pushed_lock:
            if event["id"] not in seen and event["type"] == "order.paid":
                pushed.setdefault(event["store_id"], []).insert(0, event["data"])
            seen.add(event["id"])
        return "", 204

    @app.get("/api/stores")
    def list_stores():
        return jsonify(stores=book.all())

    return app


def main():
    from werkzeug.serving import make_server

    url = os.environ.get("CHECKOUT_BEST_URL", "http://127.0.0.1:3000")
    secret = os.environ.get("CHECKOUT_BEST_SECRET", "")
    if not secret:
        sys.exit("Set CHECKOUT_BEST_SECRET to checkout-best's INTERNAL_SECRET (see examples/bmos-flask/README.md)")
    app = create_app(url, secret, os.environ.get("BMOS_DATA", "data/bmos-flask.json"),
                     webhook_secret=os.environ.get("CHECKOUT_BEST_WEBHOOK_SECRET") or None)
    host = os.environ.get("HOST", "127.0.0.1")
    server = make_server(host, int(os.environ.get("PORT", "5000")), app, threaded=True)
    # Printed so a person (or a test that asked for port 0) knows where it listens.
    print(f"BMOS dashboard listening on http://{host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
