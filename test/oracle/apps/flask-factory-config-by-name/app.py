import os

from flask import Flask, jsonify
from flask_cors import CORS

from config import config_by_name


# The Flask factory of audit 40 py D2: the config class is picked by name; none sets CORS_ORIGINS, all set
# CORS_SUPPORTS_CREDENTIALS, so flask-cors reflects any origin with credentials whichever name is passed.
def create_app(config_name):
    app = Flask(__name__)
    app.config.from_object(config_by_name[config_name])
    CORS(app)

    @app.route("/api/items", methods=["GET", "PUT", "POST"])
    def items():
        return jsonify([{"id": 1}])

    @app.route("/api/error")
    def error():
        raise RuntimeError("boom")

    return app


app = create_app(os.getenv("APP_CONFIG") or "dev")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
