from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# The class passed by keyword: Starlette's add_middleware(middleware_class, *args, **kwargs) takes it so.
app.add_middleware(middleware_class=CORSMiddleware, allow_origins=["*"], allow_credentials=True)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.post("/api/items")
def post_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
