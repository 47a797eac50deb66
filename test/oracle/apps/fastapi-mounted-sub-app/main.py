from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

# Every route is in a sub-application mounted under /api. Its own ServerErrorMiddleware turns an unhandled
# exception into a 500 inside this app's CORSMiddleware, so the 500 carries the CORS headers.
api = FastAPI()


@api.get("/items")
def list_items():
    return [{"id": 1}]


@api.put("/items")
def put_items():
    return {"ok": True}


@api.get("/error")
def error():
    raise RuntimeError("boom")


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT"], allow_credentials=True)
app.mount("/api", api)
