import os

from flask import Flask, jsonify, request

app = Flask(__name__)


# Headers built in a local dict and copied onto the response with a loop (audit 47 vuln D1); a pair written after the
# copy never reaches the response.
@app.after_request
def add_cors(response):
    h = {}
    h["Access-Control-Allow-Origin"] = request.headers.get("Origin", "")
    h["Access-Control-Allow-Credentials"] = "true"
    for k, v in h.items():
        response.headers[k] = v
    h["Access-Control-Max-Age"] = "999999"
    return response


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
