import os

from flask import Flask, jsonify
from flask_cors import CORS

# Origins picked per environment by an if/elif/else chain (indieneer/api's shape, audit 41 py D2). APP_STAGE is unset
# where the oracle runs the app: the default "production" fails the `if` and takes the `elif`, whose unanchored
# pattern flask-cors matches at the start only (https://app.example.com.attacker.net is allowed, with credentials).
# The `else` branch, which would allow every origin, does not run.
app = Flask(__name__)
stage = os.environ.get("APP_STAGE", "production")
origins = ["https://app.example.com"]
if stage == "staging":
    origins = ["https://staging.example.com"]
elif stage == "production":
    origins = [r"https://app\.example\.com.*"]
else:
    origins = "*"
CORS(app, origins=origins, supports_credentials=True)


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
