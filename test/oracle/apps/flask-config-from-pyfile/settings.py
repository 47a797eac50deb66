CORS_ORIGINS = ["https://app.example.com"]
CORS_SUPPORTS_CREDENTIALS = True
