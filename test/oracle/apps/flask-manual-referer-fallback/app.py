import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED = ["https://app.example.com", "http://localhost:3000"]


# An origin check OR-ed with a "backup" Referer check (audit 53 jsman c08, in Flask): a request without a Referer, or
# whose Referer mentions vercel.app, gets its Origin echoed with credentials. The oracle's requests carry no Referer,
# as a page's fetch with referrerPolicy "no-referrer" does: every origin, null included, is reflected.
@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin")
    referer = request.headers.get("Referer")
    is_allowed_origin = origin in ALLOWED
    is_allowed_referer = not referer or "vercel.app" in referer
    response.headers["Vary"] = "Origin"
    if is_allowed_origin or is_allowed_referer:
        response.headers["Access-Control-Allow-Origin"] = origin or "*"
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


@app.route("/api/items", methods=["GET", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
