import os

from flask import Flask
from flask_cors import CORS

from api import bp

# The blueprint is made in the package's __init__.py and its routes are in api/views.py, which the package imports
# at its end (audit 41 py D3). PATCH is served but not in `methods`: flask-cors answers its preflight without
# Access-Control-Allow-Methods (§3.3).
app = Flask(__name__)
CORS(app, origins=["https://app.example.com"], methods=["GET", "POST", "PUT"], supports_credentials=True)
app.register_blueprint(bp)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
