import os

from flask import Flask, jsonify
from flask_cors import CORS

# Config writes apply in order and CORS(app) reads the result (§3.1): the keys written after the load of an
# environment-named file (not set here, silent) replace whatever it may set; in from_mapping the keyword
# arguments go over the mapping.
app = Flask(__name__)
app.config.from_mapping(CORS_MAX_AGE=600)
app.config.from_envvar("ORACLE_UNSET_SETTINGS", silent=True)
app.config.from_mapping(
    {"CORS_ORIGINS": "*", "CORS_EXPOSE_HEADERS": "X-From-Mapping"},
    CORS_ORIGINS=["https://app.example.com"],
    CORS_SUPPORTS_CREDENTIALS=True,
)
CORS(app)


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    return jsonify([{"id": 1}])


@app.route("/api/error")
def error():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
