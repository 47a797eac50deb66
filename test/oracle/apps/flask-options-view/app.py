import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ORIGINS = {"https://a.example.com"}


# No Access-Control-Allow-Headers here: the JSON route's preflight is answered by its own OPTIONS view, which sends
# it, and this hook adds the origin to that answer (audit 32 case 11).
@app.after_request
def headers(response):
    if request.headers.get("Origin") in ORIGINS:
        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
    response.headers["Vary"] = "Origin"
    return response


@app.route("/api/contact", methods=["OPTIONS"])
def preflight():
    response = app.make_response(("", 204))
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


@app.route("/api/contact", methods=["POST"], provide_automatic_options=False)
def contact():
    return jsonify(request.get_json(silent=True) or {})


# Registered after a rule of the same path that Flask answers OPTIONS for: this view never runs for a preflight.
@app.route("/api/late", methods=["POST"])
def late():
    return jsonify(request.get_json(silent=True) or {})


@app.route("/api/late", methods=["OPTIONS"])
def late_preflight():
    response = app.make_response(("", 204))
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
