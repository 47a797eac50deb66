import os

from flask import Flask, jsonify

from cors_helpers import allow_cross_domain, crossdomain

app = Flask(__name__)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
@allow_cross_domain
def items():
    return jsonify([{"id": 1}])


# The exception escapes the wrapper: Flask's 500 has no CORS headers.
@app.route("/api/error")
@allow_cross_domain
def error():
    raise RuntimeError("boom")


# The route lists OPTIONS: the wrapper runs for the preflight and answers it with its headers.
@app.route("/api/snippet", methods=["GET", "PUT", "OPTIONS"])
@crossdomain(origin="https://app.example.com", methods="GET, PUT")
def snippet():
    return jsonify([])


# No OPTIONS in the methods and the automatic answer turned off: OPTIONS gets 405.
@app.route("/api/refused", methods=["PUT"])
@crossdomain(origin="https://app.example.com", methods="PUT")
def refused():
    return jsonify([])


# Above the route decorator: Flask registers the undecorated view, so no header is sent.
@allow_cross_domain
@app.route("/api/plain")
def plain():
    return jsonify([])


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
