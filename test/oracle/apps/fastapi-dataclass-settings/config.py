import os

from settings import Settings

# Built with keyword arguments in another module; with ALLOWED_ORIGINS unset the origins are ["*"].
settings = Settings(
    db_name=os.getenv("DB_NAME", "postgres"),
    cors_allowed_origins=os.getenv("ALLOWED_ORIGINS", "*").split(","),
    cors_allowed_methods=os.getenv("ALLOWED_METHODS", "GET,POST,PUT,DELETE,OPTIONS").split(","),
    cors_allowed_headers=os.getenv("ALLOWED_HEADERS", "*").split(","),
)
