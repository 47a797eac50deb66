from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# A regex passed as allow_origins, as a string: `"*" in allow_origins` is a substring test, true here, so
# Starlette allows every origin.
app.add_middleware(CORSMiddleware, allow_origins=r"https://.*\.vercel\.app")


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
