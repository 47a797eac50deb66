import os

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.post("/api/items")
def post_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")


# The oracle runs `python3 main.py`. The block adds a second CORSMiddleware (any origin, credentials) to this
# script's `app`, then serves "main:app": uvicorn imports `main` afresh, whose `app` never ran the block, so only the
# module-level middleware answers.
if __name__ == "__main__":
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
    uvicorn.run("main:app", host=os.environ["HOST"], port=int(os.environ["PORT"]), log_level="warning")
