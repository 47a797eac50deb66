import os

from flask import Flask, jsonify
from flask_cors import CORS


# The list is built in a function whose local lists change under an `if` (audit 52 py c04): the literal entries are
# trusted whatever the variables hold.
def cors_origins():
    origins = []
    if os.environ.get("CORS_ORIGINS"):
        origins = os.environ["CORS_ORIGINS"].split(",")
    extra = []
    if os.environ.get("EXTRA_ORIGINS"):
        extra.extend([o.strip() for o in os.environ["EXTRA_ORIGINS"].split(",")])
    fixed = ["https://app.example.com", "http://app.example.com"]
    fixed.append("https://admin.example.com")
    merged = list(set(origins + extra + fixed))
    return [o for o in merged if o.strip()]


app = Flask(__name__)
CORS(app, origins=cors_origins(), supports_credentials=True, methods=["GET", "POST"])


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
