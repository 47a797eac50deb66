import os

from flask import Flask, jsonify
from flask_cors import CORS


# The app is a field of a class (audit 52 py c18): `__init__` builds it and sets up CORS, a method it calls
# registers the routes with `@self.app.route`.
class Server:
    def __init__(self):
        self.app = Flask(__name__)
        CORS(self.app, origins=["https://app.example.com"], supports_credentials=True, methods=["GET", "POST", "OPTIONS"])
        self.setup_routes()

    def setup_routes(self):
        @self.app.route("/api/items/<int:item_id>", methods=["DELETE", "PUT"])
        def item(item_id):
            return jsonify({"id": item_id})

        @self.app.route("/api/items", methods=["GET", "POST"])
        def items():
            return jsonify([{"id": 1}])

        @self.app.route("/api/error")
        def error():
            raise RuntimeError("boom")


app = Server().app


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
