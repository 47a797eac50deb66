import os

from flask import Flask, jsonify
from flask_cors import CORS

# One origin listed twice with vary_header=False (audit 34 Flask c06): the fixed origin, no Vary.
app = Flask(__name__)
CORS(app, origins=["https://app.example.com", "https://app.example.com"], vary_header=False)


@app.route("/api/items", methods=["GET", "PUT", "POST"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
