"""The database: the only package that imports sqlmodel and sqlalchemy."""
