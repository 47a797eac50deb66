import os

from flask import Flask, jsonify, request

app = Flask(__name__)
ALLOWED_HOSTS = {"app.example.com"}


# A helper accepts "null" outright, and other origins by a test cors-lint does not read (audit 53 pymanual c06,
# an Electron dashboard): the response to Origin: null echoes it, whatever the other test decides.
def origin_allowed(origin):
    if not origin:
        return False
    if origin == "null":
        return True
    from urllib.parse import urlparse

    return urlparse(origin).hostname in ALLOWED_HOSTS


@app.after_request
def add_cors(response):
    origin = request.headers.get("Origin", "")
    if origin_allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
