import os

from flask import Flask, jsonify, make_response

app = Flask(__name__)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    # Headers given with the returned tuple are sent with the view's response (not with Flask's automatic OPTIONS).
    return jsonify([{"id": 1}]), 200, {"Access-Control-Allow-Origin": "https://app.example.com", "Vary": "Origin"}


@app.route("/api/other")
def other():
    return make_response(jsonify([]), 200, {"Access-Control-Allow-Origin": "https://app.example.com"})


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
