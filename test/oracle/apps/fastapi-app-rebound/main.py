from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

# CORSMiddleware is added to the first app, then `app` is bound to a new one (audit 53 pymw c10): uvicorn serves
# `main:app`, the second object, so only the second app's CORSMiddleware answers: any origin with credentials is never
# reflected, and the responses carry no Access-Control-Allow-Credentials.
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_credentials=True)

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
