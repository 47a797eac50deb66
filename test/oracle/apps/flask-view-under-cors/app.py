import os

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["https://app.example.com"])


@app.route("/api/items", methods=["GET", "POST"])
def items():
    # The view's own header: flask-cors then skips this response (it already has an ACAO).
    response = jsonify([{"id": 1}])
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    return response


@app.route("/api/error")
def error():
    # Unhandled: the 500 still goes through flask-cors's after_request hook.
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
