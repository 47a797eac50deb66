from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

# login-backend-fastapi's shape (audit 41 py D2): a helper picks the origins by an if/elif chain on its argument.
# Called with "Cloud-Development", the `elif` runs: the https origin and its plain-http twin are allowed with
# credentials, the localhost list of the `if` is not.
cloud_origins = ["https://app.example.com", "http://app.example.com"]


def add_cors(app: FastAPI, origins_set: str):
    origins = []
    if origins_set == "Development":
        origins = ["http://localhost:8080"]
    elif origins_set == "Cloud-Development":
        origins = cloud_origins
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True, allow_methods=["*"])


app = FastAPI()
add_cors(app, "Cloud-Development")


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
