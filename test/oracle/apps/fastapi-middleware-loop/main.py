from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

app = FastAPI()
# Added one per pass of the loop (audit 44 py D1): CORSMiddleware reflects any origin with credentials, and
# only GET is allowed by default.
middlewares = (
    (GZipMiddleware, {"minimum_size": 500}),
    (CORSMiddleware, {"allow_origins": ["*"], "allow_credentials": True, "allow_headers": ["Content-Type"]}),
)
for middleware, options in middlewares:
    app.add_middleware(middleware, **options)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
